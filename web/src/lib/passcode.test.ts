import { describe, expect, it } from 'vitest';
import { isCompletePasscode, normalizePasscode } from './passcode';

describe('passcode input', () => {
  it('keeps the digits of a pasted code, whatever surrounds or splits them', () => {
    expect(normalizePasscode('123 456')).toBe('123456');
    expect(normalizePasscode(' 123-456\n')).toBe('123456');
    expect(normalizePasscode('12a34')).toBe('1234');
    expect(normalizePasscode('1234567')).toBe('123456');
  });

  it('is complete at exactly six digits', () => {
    expect(isCompletePasscode('123456')).toBe(true);
    expect(isCompletePasscode('12345')).toBe(false);
  });
});
