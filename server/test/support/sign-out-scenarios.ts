import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudConfig } from '../../src/config/clouds-config.js';
import { resolveIdentityEndpoint } from '../../src/config/identity-endpoint.js';
import { ApiSession } from './api-session.js';
import { startTokenRecordingProxy, type TokenRecordingProxy } from './token-recording-proxy.js';

/** What the scenarios need of a cloud: its Keystone, a password sign-in to it, and a BFF for it. */
export interface SignOutTarget {
  /** The Keystone the cloud signs in to, without a version (the proxy sits in front of it). */
  keystoneUrl: string;
  /** A v3 cloud whose defaults sign in with a password, scoped to a project. */
  cloud: CloudConfig;
  password: string;
  /** Starts the BFF with these clouds (SQLite or Redis behind it). */
  startApp(clouds: CloudConfig[]): Promise<{ url: string; close(): Promise<void> }>;
  close?(): Promise<void>;
}

/** Keystone's own answer: a token may validate itself (GET /v3/auth/tokens). */
async function isValidAtKeystone(keystoneUrl: string, token: string): Promise<boolean> {
  const response = await fetch(`${keystoneUrl}/v3/auth/tokens?nocatalog`, {
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
  });
  return response.status === 200;
}

/**
 * The engine issue's two sign-out defects, as a user meets them, plus concurrent writers: every
 * token the session ever obtained is dead at Keystone after sign-out, and a signed-out session
 * stays signed out whatever requests were in flight.
 */
export function describeSignOutRevokesEveryToken(name: string, setup: () => Promise<SignOutTarget>): void {
  describe(`sign-out revokes every token of the session: ${name}`, () => {
    let target: SignOutTarget;
    let proxy: TokenRecordingProxy;
    let app: { url: string; close(): Promise<void> };

    beforeAll(async () => {
      target = await setup();
      proxy = await startTokenRecordingProxy(target.keystoneUrl);
      const authUrl = `${proxy.url}/v3`;
      const cloud = { ...target.cloud, authUrl, identity: resolveIdentityEndpoint(authUrl, '3') };
      app = await startAppFor(cloud);
    });

    afterAll(async () => {
      await app?.close();
      await proxy?.close();
      await target?.close?.();
    });

    function startAppFor(cloud: CloudConfig) {
      return target.startApp([cloud]);
    }

    async function signIn(): Promise<ApiSession> {
      const api = new ApiSession(app.url);
      const answer = await api.post('/api/session', { cloud: target.cloud.name, password: target.password });
      expect(answer.status).toBe(201);
      return api;
    }

    async function liveTokensOf(tokens: string[]): Promise<number> {
      const valid = await Promise.all(tokens.map((token) => isValidAtKeystone(target.keystoneUrl, token)));
      return valid.filter(Boolean).length;
    }

    it('after more renewals than the page lists, sign-out leaves none of them valid at Keystone', async () => {
      const api = await signIn();
      const first = proxy.issuedTokens.length - 1;
      for (let renewal = 0; renewal < 24; renewal += 1) {
        expect((await api.post('/api/token/reissue', {})).status).toBe(200);
      }
      const mine = proxy.issuedTokens.slice(first);
      expect(mine).toHaveLength(25);
      expect(await liveTokensOf(mine)).toBe(25);
      // The page lists the newest ones only; the ledger keeps them all.
      expect((await api.get('/api/tokens')).body.tokens).toHaveLength(20);

      const signOut = await api.delete('/api/session');
      expect(signOut.body).toEqual({ revoked: 25, notRevoked: 0 });
      expect(await liveTokensOf(mine)).toBe(0);
    });

    it('a renewal still waiting for Keystone at sign-out: its token is revoked at once and the session stays gone', async () => {
      const api = await signIn();
      const cookie = api.cookieHeader!;
      const first = proxy.issuedTokens.length - 1;
      proxy.holdTokenRequests();
      const reissue = api.post('/api/token/reissue', {});
      await proxy.tokenRequestHeld();

      expect((await api.delete('/api/session')).body).toEqual({ revoked: 1, notRevoked: 0 });
      proxy.release();
      const late = await reissue;
      expect(late.status).toBe(401);
      expect(late.body.error.code).toBe('not_authenticated');

      const mine = proxy.issuedTokens.slice(first);
      expect(mine).toHaveLength(2);
      expect(await liveTokensOf(mine)).toBe(0);
      // The old cookie finds no session: the late request did not write it back.
      const stale = await fetch(`${app.url}/api/token`, { headers: { Cookie: cookie } });
      expect(stale.status).toBe(401);
    });

    it('two project switches at once: both tokens are recorded, and sign-out revokes both', async () => {
      const api = await signIn();
      const first = proxy.issuedTokens.length - 1;
      const projectId = (await api.get('/api/session')).body.project.id as string;
      const switches = await Promise.all([
        api.post('/api/session/project', { projectId }),
        api.post('/api/session/project', { projectId }),
      ]);
      expect(switches.map((answer) => answer.status)).toEqual([200, 200]);
      const mine = proxy.issuedTokens.slice(first);
      expect(mine).toHaveLength(3);

      expect((await api.delete('/api/session')).body).toEqual({ revoked: 3, notRevoked: 0 });
      expect(await liveTokensOf(mine)).toBe(0);
    });
  });
}
