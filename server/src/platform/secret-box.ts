import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals the Keystone tokens and the kept password inside the session record, so a copy of the
 * session store (SQLite file, Redis dump) holds no usable credential.
 *
 * AES-256-GCM with a random 96-bit IV; the session id is bound as associated data, so a sealed
 * value copied into another session does not open. Keys are derived with HKDF from the
 * configured secrets: the first seals, all of them open (key rotation: put the new secret first,
 * keep the old one until its sessions have expired).
 */
export interface SecretBox {
  seal(plaintext: string, sessionId: string): string;
  /** Throws SealedValueError when the value was tampered with, sealed for another session or by an unknown key. */
  open(sealed: string, sessionId: string): string;
}

export class SealedValueError extends Error {}

const FORMAT = 'v1';

interface DerivedKey {
  id: string;
  key: Buffer;
}

function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'api-access', purpose, 32));
}

export function createSecretBox(secrets: readonly string[]): SecretBox {
  if (secrets.length === 0) throw new Error('createSecretBox needs at least one secret');
  const keys: DerivedKey[] = secrets.map((secret) => {
    const key = deriveKey(secret, 'session-secret-box');
    return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
  });
  const current = keys[0]!;

  return {
    seal(plaintext, sessionId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(sessionId, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        FORMAT,
        current.id,
        iv.toString('base64url'),
        ciphertext.toString('base64url'),
        tag.toString('base64url'),
      ].join('.');
    },
    open(sealed, sessionId) {
      const [format, keyId, iv, ciphertext, tag] = sealed.split('.');
      if (format !== FORMAT || !keyId || !iv || ciphertext === undefined || !tag) {
        throw new SealedValueError('not a sealed value');
      }
      const match = keys.find((candidate) => candidate.id === keyId);
      if (!match) throw new SealedValueError('sealed with a key that is no longer configured');
      try {
        const decipher = createDecipheriv('aes-256-gcm', match.key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(sessionId, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([
          decipher.update(Buffer.from(ciphertext, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new SealedValueError('sealed value does not open for this session');
      }
    },
  };
}
