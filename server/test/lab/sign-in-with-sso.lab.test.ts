import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../src/contract/session.js';
import { ApiSession } from '../support/api-session.js';
import { expectSecretsNowhere } from '../support/expect-secrets-nowhere.js';
import { federationOf, isTokenValid, obtainFederatedToken } from '../support/federation.js';
import { readLabFacts } from '../support/lab-facts.js';
import { isValidAtKeystone, labClouds } from '../support/lab.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 17 against the lab's real federation (Keystone 22 behind Apache + mod_auth_openidc, an
 * OpenID Connect provider on loopback). The browser's part (IdP form, Keystone's auto-submitted
 * form) is the e2e story e2e/specs/sign-in-with-sso.spec.ts; here the federated tokens come
 * through the same Keystone by the bearer path (OAuth 2.0 access token + introspection), and are
 * posted to the callback as Keystone's page would post them.
 */
const lab = readLabFacts();
const federation = federationOf(lab);
const keystoneOrigin = new URL(federation.keystoneUrl).origin;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(labClouds());
});
afterAll(async () => app.close());

/** A browser that clicked "Sign in with SSO", then came back with Keystone's post of `token`. */
async function signInWithSso(token: string, browser = new ApiSession(app.url)) {
  const start = await browser.navigate('GET', `/api/sso/${federation.cloud}/start`);
  expect(start.status).toBe(303);
  expect(start.location).toContain(
    `${federation.keystoneUrl}/v3/auth/OS-FEDERATION/identity_providers/${federation.identityProvider}/protocols/${federation.protocol}/websso?origin=`,
  );
  const callback = await browser.navigate('POST', '/api/sso/callback', {
    form: { token },
    headers: { Origin: keystoneOrigin },
  });
  return { browser, callback };
}

/** Signed in with SSO as `user`, then scoped to one of the mapped projects. */
async function ssoSessionIn(user: 'alice' | 'bob', project: 'fed-demo' | 'fed-ops') {
  const { browser } = await signInWithSso(await obtainFederatedToken(lab, user));
  const scoped = await browser.post('/api/session/scope', {
    kind: 'project',
    projectId: federation.projects[project].id,
  });
  expect(scoped.status, JSON.stringify(scoped.body)).toBe(200);
  return browser;
}

/**
 * "Renew through SSO" as behind TLS, where Keystone is another site: its form post carries the
 * marker (SameSite=None), not the SameSite=Strict session cookie.
 */
async function renewCrossSite(browser: ApiSession, user: 'alice' | 'bob') {
  await browser.navigate('GET', `/api/sso/${federation.cloud}/start`);
  browser.forgetCookie('api-access.sid');
  return browser.navigate('POST', '/api/sso/callback', {
    form: { token: await obtainFederatedToken(lab, user) },
    headers: { Origin: keystoneOrigin },
  });
}

describe('sign in with SSO (real federation)', () => {
  it('alice: an unscoped session, exactly her mapped project, a rescope Keystone accepts, sign-out revokes both', async () => {
    const token = await obtainFederatedToken(lab, 'alice');
    const { browser, callback } = await signInWithSso(token);
    expect(callback.status).toBe(303);
    expect(callback.location).toBe('/');
    const session = await browser.get<SessionInfo>('/api/session');
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({
      cloud: federation.cloud,
      signInMethod: 'websso',
      scope: { kind: 'unscoped' },
    });

    const scopes = await browser.get('/api/scopes');
    expect(scopes.status, JSON.stringify(scopes.body)).toBe(200);
    expect(scopes.body.projects.map((project: { name: string }) => project.name)).toEqual(['fed-demo']);

    const picked = await browser.post('/api/session/scope', {
      kind: 'project',
      projectId: federation.projects['fed-demo'].id,
    });
    expect(picked.status, JSON.stringify(picked.body)).toBe(200);
    expect(picked.body.project.name).toBe('fed-demo');
    // A rescope keeps Keystone's expiry: the SSO token's own end, not a fresh hour.
    expect(Date.parse(picked.body.expiresAt)).toBeLessThanOrEqual(Date.parse(session.body.expiresAt) + 2000);
    const scoped = (await browser.get('/api/token/secret')).body.token as string;
    expect(await isTokenValid(lab, scoped)).toBe(true);

    // No password: a reissue says how to get a fresh lifetime instead.
    const reissue = await browser.post('/api/token/reissue', {});
    expect(reissue.status).toBe(400);
    expect(reissue.body.error.message).toMatch(/Renew through SSO/);

    const signOut = await browser.delete('/api/session');
    expect(signOut.body.revoked).toBeGreaterThanOrEqual(2);
    expect(await isTokenValid(lab, token)).toBe(false);
    expect(await isTokenValid(lab, scoped)).toBe(false);
    expectSecretsNowhere(app, [token, scoped], [JSON.stringify(session.body), JSON.stringify(scopes.body)]);
  });

  it('bob, in two groups, is offered both projects', async () => {
    const { browser } = await signInWithSso(await obtainFederatedToken(lab, 'bob'));
    const scopes = await browser.get('/api/scopes');
    expect(scopes.status, JSON.stringify(scopes.body)).toBe(200);
    expect(scopes.body.projects.map((project: { name: string }) => project.name).sort()).toEqual([
      'fed-demo',
      'fed-ops',
    ]);
    await browser.delete('/api/session');
  });

  it('carol, whom no rule maps, gets no token from Keystone, so the callback is never reached', async () => {
    await expect(obtainFederatedToken(lab, 'carol')).rejects.toThrow(/401/);
  });

  it('"renew through SSO" from a project comes back to that project', async () => {
    const browser = await ssoSessionIn('bob', 'fed-ops');
    const { callback } = await signInWithSso(await obtainFederatedToken(lab, 'bob'), browser);
    expect(callback.location).toBe('/');
    const session = await browser.get<SessionInfo>('/api/session');
    expect(session.body.project?.name).toBe('fed-ops');
    await browser.delete('/api/session');
  });

  it('a federated user gets an application credential for scripts, which Keystone accepts without the IdP', async () => {
    const browser = await ssoSessionIn('alice', 'fed-demo');
    const created = await browser.post('/api/application-credentials', { name: `sso-${Date.now()}` });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { id, secret } = created.body as { id: string; secret: string };
    const signIn = await fetch(`${federation.keystoneUrl}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } },
      }),
    });
    expect(signIn.status).toBe(201);
    const body = (await signIn.json()) as { token: { project: { name: string } } };
    expect(body.token.project.name).toBe('fed-demo');
    expect((await browser.delete(`/api/application-credentials/${id}`)).status).toBe(204);
    await browser.delete('/api/session');
  });

  it('renewing cross-site (no session cookie with Keystone’s post) still retires the earlier session’s tokens', async () => {
    const browser = await ssoSessionIn('alice', 'fed-demo');
    const earlier = (await browser.get('/api/token/secret')).body.token as string;
    const callback = await renewCrossSite(browser, 'alice');
    expect(callback.location).toBe('/');
    expect((await browser.get<SessionInfo>('/api/session')).body.project?.name).toBe('fed-demo');
    await expect.poll(() => isTokenValid(lab, earlier)).toBe(false);
    await browser.delete('/api/session');
  });
});

describe('single sign-on replacing a session (review findings)', () => {
  it('cross-site, a password session of another cloud has its tokens revoked at that cloud’s Keystone', async () => {
    const browser = new ApiSession(app.url);
    const signedIn = await browser.post('/api/session', { cloud: 'lab', password: lab.users.demo.password });
    expect(signedIn.status).toBe(201);
    const passwordToken = (await browser.get('/api/token/secret')).body.token as string;
    const callback = await renewCrossSite(browser, 'alice');
    expect(callback.location).toBe('/');
    await expect.poll(() => isValidAtKeystone(passwordToken)).toBe(false);
    await browser.delete('/api/session');
  });

  it('another user coming back from the IdP is not put into the earlier user’s project', async () => {
    const browser = await ssoSessionIn('alice', 'fed-demo');
    // The IdP's session belongs to bob now (a shared workstation): bob also has fed-demo.
    const { callback } = await signInWithSso(await obtainFederatedToken(lab, 'bob'), browser);
    expect(callback.location).toBe('/');
    const session = await browser.get<SessionInfo>('/api/session');
    expect(session.body.user.name).not.toBe('alice');
    expect(session.body.scope).toEqual({ kind: 'unscoped' });
    await browser.delete('/api/session');
  });
});

describe('the callback refuses (real federation)', () => {
  it('a valid token of another user posted without this browser’s SSO start: no session, Keystone not asked, the token untouched', async () => {
    const attackers = await obtainFederatedToken(lab, 'bob');
    const victim = new ApiSession(app.url);
    const answer = await victim.navigate('POST', '/api/sso/callback', {
      form: { token: attackers },
      headers: { Origin: keystoneOrigin },
    });
    expect(answer.location).toBe('/login?sso_error=forbidden&sso_reason=not_started');
    expect(victim.sessionCookie).toBeNull();
    expect((await victim.get('/api/session')).status).toBe(401);
    expect(await isTokenValid(lab, attackers)).toBe(true);
    expectSecretsNowhere(app, [attackers], [answer.body]);
  });

  it('the same token from another origin, in a browser that did start SSO', async () => {
    const attackers = await obtainFederatedToken(lab, 'bob');
    const victim = new ApiSession(app.url);
    await victim.navigate('GET', `/api/sso/${federation.cloud}/start`);
    const answer = await victim.navigate('POST', '/api/sso/callback', {
      form: { token: attackers },
      headers: { Origin: 'http://127.0.0.1:6666' },
    });
    expect(answer.location).toBe('/login?sso_error=forbidden&sso_reason=foreign_origin');
    expect(victim.sessionCookie).toBeNull();
    expectSecretsNowhere(app, [attackers], [answer.body]);
  });

  it('an invalid token and a revoked one (Keystone answers an expired one the same way)', async () => {
    const revoked = await obtainFederatedToken(lab, 'alice');
    const revocation = await fetch(`${federation.keystoneUrl}/v3/auth/tokens`, {
      method: 'DELETE',
      headers: { 'X-Auth-Token': revoked, 'X-Subject-Token': revoked },
    });
    expect(revocation.status).toBe(204);
    for (const token of [revoked, `gAAAAAB${'x'.repeat(200)}`]) {
      const { browser, callback } = await signInWithSso(token);
      expect(callback.location).toBe('/login?sso_error=invalid_credentials');
      expect(browser.sessionCookie).toBeNull();
      expectSecretsNowhere(app, [token], [callback.body]);
    }
  });

  it('a token past its expiry by the BFF’s clock, though Keystone still takes it', async () => {
    const token = await obtainFederatedToken(lab, 'alice');
    // Two hours ahead: the lab's tokens live one ([token] expiration).
    const later = await startTestApp(labClouds(), { now: () => Date.now() + 2 * 3_600_000 });
    try {
      const browser = new ApiSession(later.url);
      await browser.navigate('GET', `/api/sso/${federation.cloud}/start`);
      const callback = await browser.navigate('POST', '/api/sso/callback', {
        form: { token },
        headers: { Origin: keystoneOrigin },
      });
      expect(callback.location).toBe('/login?sso_error=invalid_credentials');
      expect(browser.sessionCookie).toBeNull();
    } finally {
      await later.close();
    }
  });
});
