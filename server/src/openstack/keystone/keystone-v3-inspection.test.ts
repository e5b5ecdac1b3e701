import { describe, expect, it } from 'vitest';
import { redactTokens } from './keystone-v3-inspection.js';

describe('redactTokens', () => {
  it("cuts the tokens out of Keystone's message, leaving their first characters", () => {
    const subject = 'gAAAAABsubject-token-0123456789abcdefghijklmnopqrstuvwxyz';
    const own = 'gAAAAABsession-token-0123456789abcdefghijklmnopqrstuvwxyz';
    const redacted = redactTokens(
      { verdict: 'unknown', message: `Could not find token: ${subject} (${own})` },
      [subject, own],
    );
    expect(redacted).toEqual({
      verdict: 'unknown',
      message: 'Could not find token: gAAAAABsubject-t… (gAAAAABsession-t…)',
    });
  });

  it('leaves answers without a message as they are', () => {
    expect(redactTokens({ verdict: 'revoked', message: null }, ['x'])).toEqual({
      verdict: 'revoked',
      message: null,
    });
  });

  it('cuts a long token that the message carries only in part (Keystone messages are shortened)', () => {
    const jws = `eyJhbGciOiJFUzI1NiJ9.${'x'.repeat(980)}`;
    const shortened = `Could not find token: ${jws}`.slice(0, 300);
    const redacted = redactTokens({ verdict: 'unknown', message: shortened }, [jws, 'own-token']);
    expect(redacted).toEqual({ verdict: 'unknown', message: 'Could not find token: eyJhbGciOiJFUzI1…' });
  });
});
