import { describe, expect, it } from 'vitest';
import { createSecretBox, SealedValueError } from './secret-box.js';

const secretA = 'a'.repeat(40);
const secretB = 'b'.repeat(40);

describe('secret box', () => {
  it('opens what it sealed for the same session, and the sealed text does not contain the plaintext', () => {
    const box = createSecretBox([secretA]);
    const sealed = box.seal('gAAAAA-token-value', 'sid-1');
    expect(sealed).not.toContain('gAAAAA-token-value');
    expect(box.open(sealed, 'sid-1')).toBe('gAAAAA-token-value');
  });

  it('refuses a value sealed for another session', () => {
    const box = createSecretBox([secretA]);
    const sealed = box.seal('secret', 'sid-1');
    expect(() => box.open(sealed, 'sid-2')).toThrow(SealedValueError);
  });

  it('refuses a tampered value', () => {
    const box = createSecretBox([secretA]);
    const parts = box.seal('secret', 'sid-1').split('.');
    parts[3] = Buffer.from('other!').toString('base64url');
    expect(() => box.open(parts.join('.'), 'sid-1')).toThrow(SealedValueError);
    expect(() => box.open('garbage', 'sid-1')).toThrow(SealedValueError);
  });

  it('rotates keys: a new first secret seals, the old one still opens', () => {
    const sealedWithOld = createSecretBox([secretA]).seal('secret', 'sid');
    const rotated = createSecretBox([secretB, secretA]);
    expect(rotated.open(sealedWithOld, 'sid')).toBe('secret');
    const sealedWithNew = rotated.seal('secret', 'sid');
    expect(() => createSecretBox([secretA]).open(sealedWithNew, 'sid')).toThrow(SealedValueError);
  });
});
