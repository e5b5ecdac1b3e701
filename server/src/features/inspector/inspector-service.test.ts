import { describe, expect, it, vi } from 'vitest';
import type { AuthState, SessionHandle } from '../../auth/auth-state.js';
import type { AuthServices } from '../../auth/create-auth-services.js';
import type { TokenInspection } from '../../openstack/keystone/identity-client.js';
import { RateLimitedError } from '../../platform/errors.js';
import { MemorySlidingWindow } from '../../platform/shared-state/sliding-window.js';
import { InspectorService, previewOf } from './inspector-service.js';

const pasted = 'gAAAAABpasted-token-0123456789abcdefghijklmnopqrstuvwxyz';

function makeService(perMinute: number, answer: TokenInspection) {
  let now = 1_000_000;
  const inspectToken = vi.fn(async () => answer);
  const auth = { cloud: 'lab', current: { id: 'current' } } as unknown as AuthState;
  const services = {
    clouds: { of: () => ({ identity: { inspectToken } }) },
    access: {
      withToken: (_s: unknown, _p: unknown, work: (token: string, auth: AuthState) => unknown) =>
        work('session-token', auth),
      reveal: () => 'revealed-ledger-token-0123456789',
    },
    ledger: { list: async () => [{ id: 'abcdef0123456789' }] },
    now: () => now,
  } as unknown as AuthServices;
  const session = { id: 'session-id', auth } as unknown as SessionHandle;
  const service = new InspectorService(services, new MemorySlidingWindow(), perMinute);
  return { service, session, inspectToken, advance: (ms: number) => (now += ms) };
}

describe('InspectorService', () => {
  it('limits look-ups per session and minute, with the seconds to wait', async () => {
    const { service, session, advance } = makeService(2, { verdict: 'unknown', message: null });
    await service.inspect(session, { token: pasted });
    await service.inspect(session, { token: pasted });
    const refused = await service.inspect(session, { token: pasted }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfter).toBe(60);
    advance(60_001);
    await expect(service.inspect(session, { token: pasted })).resolves.toMatchObject({ verdict: 'unknown' });
  });

  it('asks with the session token, allow_expired by default, and answers only a preview', async () => {
    const { service, session, inspectToken } = makeService(5, { verdict: 'revoked', message: 'Failed' });
    const result = await service.inspect(session, { token: pasted });
    expect(inspectToken).toHaveBeenCalledWith('session-token', pasted, true);
    expect(result).toMatchObject({ verdict: 'revoked', tokenPreview: 'gAAAAABpasted-to…', tokenId: null });
    expect(JSON.stringify(result)).not.toContain(pasted);
    await service.inspect(session, { tokenId: 'abcdef0123456789', allowExpired: false });
    expect(inspectToken).toHaveBeenLastCalledWith('session-token', 'revealed-ledger-token-0123456789', false);
  });

  it('never previews more than half of a short string', () => {
    expect(previewOf('abcdefgh')).toBe('abcd…');
    expect(previewOf('x')).toBe('…');
    expect(previewOf(pasted)).toBe(`${pasted.slice(0, 16)}…`);
  });
});
