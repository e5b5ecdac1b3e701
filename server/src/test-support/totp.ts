import { createHmac } from 'node:crypto';

/**
 * TOTP (RFC 6238) as Keystone's totp auth method checks it: HMAC-SHA1 over the 30-second step
 * count, dynamic truncation (RFC 4226 §5.3), 6 digits; the secret is the base32 `blob` of the
 * user's totp credential. https://docs.openstack.org/keystone/latest/admin/auth-totp.html
 * For tests and the e2e story: the BFF itself never computes passcodes.
 */
export const TOTP_STEP_SECONDS = 30;

/** RFC 4648 base32 (upper or lower case, padding optional), as Keystone pads and decodes the blob. */
export function decodeBase32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = text.replace(/=+$/, '').replace(/\s+/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of clean) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not a base32 character: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** The passcode for a Unix time (seconds); `digits` 8 only for RFC 6238's own test vectors. */
export function generateTotp(base32Secret: string, unixSeconds: number, digits = 6): string {
  const counter = Math.floor(unixSeconds / TOTP_STEP_SECONDS);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hmac = createHmac('sha1', decodeBase32(base32Secret)).update(message).digest();
  const offset = hmac[hmac.length - 1]! & 0x0f;
  const binary = hmac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/**
 * The passcode for now. Keystone accepts the current step and the one before
 * ([totp] included_previous_windows = 1), so a code computed early in a step stays good for
 * 30-60 s; if the step is about to end, wait for the next one so the code is fresh for the test.
 */
export async function currentTotp(base32Secret: string, now: () => number = Date.now): Promise<string> {
  const secondsIntoStep = (now() / 1000) % TOTP_STEP_SECONDS;
  if (secondsIntoStep > TOTP_STEP_SECONDS - 2) {
    await new Promise((resolve) => setTimeout(resolve, (TOTP_STEP_SECONDS - secondsIntoStep + 0.2) * 1000));
  }
  return generateTotp(base32Secret, now() / 1000);
}
