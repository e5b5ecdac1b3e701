// One RFC 6238 implementation for the BFF's lab tests and the e2e stories (tested with the RFC's
// own vectors in server/src/test-support/totp.test.ts).
import { generateTotp, TOTP_STEP_SECONDS } from '../../server/src/test-support/totp.js';

export { currentTotp, generateTotp } from '../../server/src/test-support/totp.js';

/**
 * A well-formed passcode Keystone rejects now: one from an hour (or more) ago that is none of the
 * codes of the previous, current and next steps (Keystone accepts the previous one too).
 */
export function wrongTotp(base32Secret: string, now: () => number = Date.now): string {
  const seconds = now() / 1000;
  const acceptable = new Set(
    [-1, 0, 1].map((step) => generateTotp(base32Secret, seconds + step * TOTP_STEP_SECONDS)),
  );
  for (let hoursAgo = 1; ; hoursAgo += 1) {
    const code = generateTotp(base32Secret, seconds - hoursAgo * 3600);
    if (!acceptable.has(code)) return code;
  }
}
