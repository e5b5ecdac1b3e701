import { totpPasscodeAt } from '../../src/demo-cloud/totp-passcodes.js';

/**
 * Passcodes for the tests and the e2e stories, from the one RFC 6238 implementation
 * (src/demo-cloud/totp-passcodes.ts, tested with the RFC's own vectors). The BFF itself never
 * computes passcodes.
 */
const stepMs = 30_000;

/**
 * The passcode for now. Keystone accepts the current step and the one before
 * ([totp] included_previous_windows = 1), so a code computed early in a step stays good for
 * 30-60 s; if the step is about to end, wait for the next one so the code is fresh for the test.
 */
export async function currentTotp(base32Secret: string, now: () => number = Date.now): Promise<string> {
  const intoStepMs = now() % stepMs;
  if (intoStepMs > stepMs - 2000) {
    await new Promise((resolve) => setTimeout(resolve, stepMs - intoStepMs + 200));
  }
  return totpPasscodeAt(base32Secret, now());
}

/**
 * A well-formed passcode Keystone refuses now: one from an hour (or more) ago that is none of the
 * codes of the previous, current and next steps.
 */
export function wrongTotp(base32Secret: string, now: () => number = Date.now): string {
  const at = now();
  const acceptable = new Set([-1, 0, 1].map((step) => totpPasscodeAt(base32Secret, at + step * stepMs)));
  for (let hoursAgo = 1; ; hoursAgo += 1) {
    const code = totpPasscodeAt(base32Secret, at - hoursAgo * 3_600_000);
    if (!acceptable.has(code)) return code;
  }
}
