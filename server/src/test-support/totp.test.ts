import { describe, expect, it } from 'vitest';
import { decodeBase32, generateTotp } from './totp.js';

// RFC 6238 Appendix B: the SHA-1 key is ASCII "12345678901234567890", 8 digits.
const rfcKeyBase32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP (RFC 6238)', () => {
  it('decodes base32 as RFC 4648 does, with or without padding and in any case', () => {
    expect(decodeBase32(rfcKeyBase32).toString('ascii')).toBe('12345678901234567890');
    expect(decodeBase32('MZXW6===').toString('ascii')).toBe('foo');
    expect(decodeBase32('mzxw6ytboi').toString('ascii')).toBe('foobar');
    expect(() => decodeBase32('MZXW1')).toThrow('not a base32 character');
  });

  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches the RFC 6238 SHA-1 test vector at T=%i', (time, expected) => {
    expect(generateTotp(rfcKeyBase32, time, 8)).toBe(expected);
  });

  it('gives Keystone 6 digits that change with the 30-second step only', () => {
    // The 6-digit code is the last 6 digits of the 8-digit one (same truncation, modulo 10^6).
    expect(generateTotp(rfcKeyBase32, 59)).toBe('287082');
    expect(generateTotp(rfcKeyBase32, 1111111109)).toBe('081804');
    expect(generateTotp(rfcKeyBase32, 60)).toBe(generateTotp(rfcKeyBase32, 89));
    expect(generateTotp(rfcKeyBase32, 89)).not.toBe(generateTotp(rfcKeyBase32, 90));
  });
});
