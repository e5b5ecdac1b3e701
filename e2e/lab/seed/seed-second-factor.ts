import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { callOpenStack } from './call-openstack.js';

/**
 * The user mfa needs its password AND a TOTP passcode (Keystone v3 multi-factor auth):
 *   https://docs.openstack.org/keystone/latest/admin/auth-totp.html
 *   https://docs.openstack.org/api-ref/identity/v3/#credentials
 * keystone.conf lists `totp` in `[auth] methods` (e2e/lab/templates/keystone.conf). Returns the
 * base32 secret of mfa's TOTP credential: the existing one when there is one, so a reseed keeps
 * the passcodes a test computes valid.
 */
export async function seedSecondFactor(keystoneUrl: string, adminToken: string, mfaUserId: string) {
  const v3 = `${keystoneUrl}/v3`;
  const keystone = { service: 'keystone', token: adminToken } as const;
  // PATCH replaces the options: the same answer (200) on every run.
  // https://docs.openstack.org/api-ref/identity/v3/#update-user
  await callOpenStack('PATCH', `${v3}/users/${mfaUserId}`, {
    ...keystone,
    json: {
      user: { options: { multi_factor_auth_enabled: true, multi_factor_auth_rules: [['password', 'totp']] } },
    },
    expect: [200],
  });
  const existing = await callOpenStack('GET', `${v3}/credentials?user_id=${mfaUserId}&type=totp`, {
    ...keystone,
    expect: [200],
    schema: z.object({ credentials: z.array(z.object({ blob: z.string() })) }),
  });
  const kept = existing.body.credentials[0]?.blob;
  if (kept) return kept;
  // 20 random bytes (RFC 4226's recommended key length) = 32 base32 characters, no padding.
  const secret = encodeBase32(randomBytes(20));
  await callOpenStack('POST', `${v3}/credentials`, {
    ...keystone,
    json: { credential: { type: 'totp', user_id: mfaUserId, blob: secret } },
    expect: [201],
  });
  return secret;
}

const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, what Keystone's TOTP plugin decodes. */
export function encodeBase32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32Alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += base32Alphabet[(value << (5 - bits)) & 31];
  return out;
}
