import { createHmac } from 'node:crypto';

/**
 * TOTP (RFC 6238) as Keystone's totp auth method computes it (keystone/auth/plugins/totp.py):
 * HMAC-SHA1 over the 30-second step count, RFC 4226 dynamic truncation, 6 digits, the secret being
 * the base32 `blob` of the user's totp credential. Keystone accepts the current step and
 * `[totp] included_previous_windows` steps before it (default 1), never a step ahead: a passcode
 * stays good for 30 to 60 s, which the lab confirms.
 *
 * The project's one implementation: the demo cloud checks passcodes with it, and the tests and
 * e2e stories compute theirs with it (server/test/support/totp.ts).
 */
const stepSeconds = 30;
const digits = 6;
const includedPreviousWindows = 1;

/** RFC 4648 base32, case-insensitive, padding optional (Keystone pads the blob before decoding). */
function decodeBase32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of text.replace(/=+$/, '').toUpperCase()) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new RangeError('The TOTP secret is not base32.');
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** The passcode of the step that contains `unixMs`. */
export function totpPasscodeAt(base32Secret: string, unixMs: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(Math.floor(unixMs / 1000 / stepSeconds)));
  const hmac = createHmac('sha1', decodeBase32(base32Secret)).update(message).digest();
  const offset = (hmac[hmac.length - 1] ?? 0) & 0x0f;
  return String((hmac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits).padStart(digits, '0');
}

/** Whether Keystone would take `passcode` at `nowMs` (its own clock): this step or the one before. */
export function isTotpPasscodeValid(base32Secret: string, passcode: string, nowMs: number): boolean {
  for (let back = 0; back <= includedPreviousWindows; back += 1) {
    if (totpPasscodeAt(base32Secret, nowMs - back * stepSeconds * 1000) === passcode) return true;
  }
  return false;
}

/** Seconds until the passcode of `nowMs` stops being the current one. */
export function secondsLeftInStep(nowMs: number): number {
  return stepSeconds - Math.floor((nowMs / 1000) % stepSeconds);
}
