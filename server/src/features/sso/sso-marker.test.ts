import { describe, expect, it } from 'vitest';
import { SSO_MARKER_LIFETIME_MS, SsoMarkerSigner } from './sso-marker.js';

const oldSecret = 'an-old-secret-that-is-long-enough-for-hkdf-000000';
const newSecret = 'a-new-secret-that-is-long-enough-for-hkdf-1111111';

describe('SsoMarkerSigner', () => {
  const now = 1_800_000_000_000;

  it('reads back what it issued, each with its own nonce, until it expires', () => {
    const signer = new SsoMarkerSigner([newSecret]);
    const value = signer.issue({ cloud: 'corp', sealedPreviousSession: null }, now);
    const marker = signer.read(value, now + SSO_MARKER_LIFETIME_MS - 1);
    expect(marker).toMatchObject({ cloud: 'corp', sealedPreviousSession: null });
    expect(marker!.nonce).not.toBe(
      signer.read(signer.issue({ cloud: 'corp', sealedPreviousSession: null }, now), now)!.nonce,
    );
    expect(signer.read(value, now + SSO_MARKER_LIFETIME_MS)).toBeNull();
  });

  it('accepts a marker of a secret still listed (rotation) and refuses one of a secret gone', () => {
    const issuedBefore = new SsoMarkerSigner([oldSecret]).issue(
      { cloud: 'corp', sealedPreviousSession: null },
      now,
    );
    expect(new SsoMarkerSigner([newSecret, oldSecret]).read(issuedBefore, now)).not.toBeNull();
    expect(new SsoMarkerSigner([newSecret]).read(issuedBefore, now)).toBeNull();
  });

  it('refuses anything it did not sign: edits, other shapes, cookie-parser JSON, huge values', () => {
    const signer = new SsoMarkerSigner([newSecret]);
    const value = signer.issue({ cloud: 'corp', sealedPreviousSession: null }, now);
    const [payload, signature] = value.split('.') as [string, string];
    const otherCloud = Buffer.from(
      Buffer.from(payload, 'base64url').toString().replace('"corp"', '"evil"'),
    ).toString('base64url');
    for (const forged of [
      `${otherCloud}.${signature}`,
      `${payload}.${signature.slice(1)}`,
      `${payload}.${signature}.extra`,
      payload,
      '',
      `j:${JSON.stringify({ c: 'corp' })}`,
      { c: 'corp' },
      null,
      undefined,
      `${payload}.${signature}${'A'.repeat(3000)}`,
    ])
      expect(signer.read(forged, now)).toBeNull();
  });
});
