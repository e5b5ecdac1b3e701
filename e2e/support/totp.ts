// One RFC 6238 implementation for the BFF's lab tests and the e2e stories (tested with the RFC's
// own vectors in server/src/test-support/totp.test.ts).
export { currentTotp, generateTotp } from '../../server/src/test-support/totp.js';
