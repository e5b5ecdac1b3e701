import { describe, expect, it } from 'vitest';
import { isTotpPasscodeValid, secondsLeftInStep, totpPasscodeAt } from './totp-passcodes.js';

// RFC 6238 appendix B's SHA-1 seed "12345678901234567890", in base32; its 8-digit values cut to 6.
const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('totpPasscodeAt', () => {
  it("gives RFC 6238's SHA-1 test values (last 6 digits)", () => {
    expect(totpPasscodeAt(rfcSecret, 59_000)).toBe('287082'); // 94287082
    expect(totpPasscodeAt(rfcSecret, 1_111_111_109_000)).toBe('081804'); // 07081804
    expect(totpPasscodeAt(rfcSecret, 1_234_567_890_000)).toBe('005924'); // 89005924
    expect(totpPasscodeAt(rfcSecret, 2_000_000_000_000)).toBe('279037'); // 69279037
  });

  it('reads lower case and padding like Keystone', () => {
    expect(totpPasscodeAt(rfcSecret.toLowerCase(), 59_000)).toBe('287082');
    expect(totpPasscodeAt('JBSWY3DPEHPK3PXP====', 59_000)).toBe(totpPasscodeAt('JBSWY3DPEHPK3PXP', 59_000));
    expect(() => totpPasscodeAt('not base32!', 0)).toThrow(/base32/);
  });
});

describe('isTotpPasscodeValid', () => {
  const stepStart = 1_234_567_890_000 - (1_234_567_890_000 % 30_000);

  it('takes the current and the previous step, never the next (Keystone included_previous_windows = 1)', () => {
    const now = stepStart + 10_000;
    const at = (offsetMs: number) => totpPasscodeAt(rfcSecret, now + offsetMs);
    expect(isTotpPasscodeValid(rfcSecret, at(0), now)).toBe(true);
    expect(isTotpPasscodeValid(rfcSecret, at(-30_000), now)).toBe(true);
    expect(isTotpPasscodeValid(rfcSecret, at(-60_000), now)).toBe(false);
    expect(isTotpPasscodeValid(rfcSecret, at(30_000), now)).toBe(false);
    expect(isTotpPasscodeValid(rfcSecret, '12345', now)).toBe(false);
  });

  it('counts the seconds left in the step', () => {
    expect(secondsLeftInStep(stepStart)).toBe(30);
    expect(secondsLeftInStep(stepStart + 29_500)).toBe(1);
  });
});
