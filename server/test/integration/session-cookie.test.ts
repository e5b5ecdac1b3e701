import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig, sleep } from '../support/demo-cloud-config.js';
import { testAppsClosedAfterAll } from '../support/test-app.js';

/**
 * Issue 6 "Sessions and browser": the session cookie's attributes, a new id at sign-in (session
 * fixation), and the idle and absolute timeouts.
 */

let demo: DemoCloud;
beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
});
afterAll(() => demo.close());
const testApp = testAppsClosedAfterAll();

const login = () => ({ cloud: 'demo', password: demo.credentials.password });

describe('session cookie', () => {
  it('behind TLS (SECURE_COOKIES, TRUST_PROXY) is __Host- prefixed, Secure, HttpOnly, SameSite=Strict, Path=/, no Domain', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')], {
      secureCookies: true,
      trustProxy: 'loopback',
    });
    const api = new ApiSession(app.url);
    const overTls = { 'X-Forwarded-Proto': 'https' };
    const csrf = await api.request('GET', '/api/csrf', undefined, overTls);
    const answer = await api.request('POST', '/api/session', login(), overTls);
    expect(answer.status).toBe(201);
    const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('__Host-api-access=')) ?? '';
    // The CSRF cookie is held to the same rules.
    const csrfCookie = csrf.headers.getSetCookie()[0] ?? '';
    expect(csrfCookie).toMatch(/^__Host-api-access\.csrf=/);
    for (const line of [cookie, csrfCookie]) {
      for (const attribute of [/; Secure/, /; HttpOnly/, /; SameSite=Strict/, /; Path=\//])
        expect(line).toMatch(attribute);
      expect(line).not.toMatch(/Domain=/i);
    }
    // The value is an opaque signed id: nothing of the session is in it.
    expect(decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!)).toMatch(/^s:[\w-]+\.[\w/+]+$/);
  });

  it('lives only as long as the browser: no Max-Age or Expires, set at sign-in and never again while unchanged', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')]);
    const api = new ApiSession(app.url);
    const signIn = await api.post('/api/session', login());
    expect(signIn.status).toBe(201);
    const cookie = signIn.headers.getSetCookie().find((line) => line.startsWith('api-access.sid=')) ?? '';
    expect(cookie).toMatch(/; HttpOnly/);
    // The idle timeout is kept by the store (OWASP: non-persistent session cookies, timeouts
    // enforced on the server), so there is nothing for a response to roll.
    expect(cookie).not.toMatch(/Max-Age|Expires/i);
    for (const path of ['/api/token', '/api/session', '/api/token/secret']) {
      const answer = await api.get(path);
      expect(answer.status).toBe(200);
      expect(answer.headers.getSetCookie().filter((line) => line.startsWith('api-access.sid='))).toEqual([]);
    }
  });

  it('gets a new session id at sign-in: the pre-login id (fixation) is worth nothing afterwards', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')]);
    const api = new ApiSession(app.url);
    await api.refreshCsrfToken();
    // Before sign-in there is no session at all (issue 13 item 2), so none to plant.
    expect(api.sessionCookie).toBeNull();
    expect((await api.post('/api/session', login())).status).toBe(201);
    const before = api.sessionCookie;
    expect(before).toMatch(/^api-access\.sid=/);
    // Signing in again in the same browser: a new id, and the first one is worth nothing.
    expect((await api.post('/api/session', login())).status).toBe(201);
    const after = api.sessionCookie;
    expect(after).not.toBe(before);
    expect((await api.get('/api/token')).status).toBe(200);
    const planted = new ApiSession(app.url);
    const answer = await planted.request('GET', '/api/token', undefined, { Cookie: before! });
    expect(answer.status).toBe(401);
  });

  it('gets a new session id when the password step holds the pending second factor, and again when the passcode completes it', async () => {
    const app = await testApp([
      demoCloudConfig(demo, 'demo'),
      demoCloudConfig(demo, 'demo-mfa', { as: 'mfa' }),
    ]);
    const api = new ApiSession(app.url);
    // A session this browser already had (a sign-in to another cloud): the hold must not reuse its id.
    expect((await api.post('/api/session', login())).status).toBe(201);
    const signedIn = api.sessionCookie;
    const pending = await api.post('/api/session', {
      cloud: 'demo-mfa',
      password: demo.credentials.mfa!.password,
    });
    expect(pending.body.error.code).toBe('mfa_required');
    const held = api.sessionCookie;
    expect(held).toMatch(/^api-access\.sid=/);
    expect(held).not.toBe(signedIn);
    const replay = await new ApiSession(app.url).request('GET', '/api/token', undefined, {
      Cookie: signedIn!,
    });
    expect(replay.status).toBe(401);
    expect((await api.post('/api/session/mfa', { passcode: demo.currentPasscode()! })).status).toBe(201);
    expect(api.sessionCookie).not.toBe(held);
    expect((await api.get('/api/token')).status).toBe(200);
  });

  it('rotates the CSRF token with every new session id: sign-in, the second-factor hold, the passcode step', async () => {
    const app = await testApp([
      demoCloudConfig(demo, 'demo'),
      demoCloudConfig(demo, 'demo-mfa', { as: 'mfa' }),
    ]);
    const api = new ApiSession(app.url);
    const tokenNow = async () =>
      (await api.send('GET', '/api/csrf', undefined, {}, false)).body.csrfToken as string;
    /** A mutation that needs only a valid token: sign-out of whatever the session is. */
    const isAccepted = async (token: string, cookie: string) =>
      (await api.send('POST', '/api/token/reissue', {}, { 'X-CSRF-Token': token, Cookie: cookie }, false))
        .body?.error?.code !== 'csrf_failed';

    const anonymous = await tokenNow();
    const anonymousCookies = api.cookieHeader!;
    expect(await tokenNow()).toBe(anonymous); // stable while the session does not change

    const signIn = await api.send('POST', '/api/session', login(), { 'X-CSRF-Token': anonymous }, false);
    expect(signIn.status).toBe(201);
    expect(signIn.headers.getSetCookie().some((line) => line.startsWith('api-access.csrf='))).toBe(true);
    const afterSignIn = await tokenNow();
    expect(afterSignIn).not.toBe(anonymous);
    // The old token, with the new cookies or with its own, is refused; the new one works.
    expect(await isAccepted(anonymous, api.cookieHeader!)).toBe(false);
    expect(await isAccepted(afterSignIn, api.cookieHeader!)).toBe(true);
    const signedInCookies = api.cookieHeader!;
    expect(await isAccepted(anonymous, anonymousCookies.replace(/$/, `; ${api.sessionCookie!}`))).toBe(false);

    const hold = await api.send(
      'POST',
      '/api/session',
      { cloud: 'demo-mfa', password: demo.credentials.mfa!.password },
      { 'X-CSRF-Token': afterSignIn },
      false,
    );
    expect(hold.body.error.code).toBe('mfa_required');
    const whileHeld = await tokenNow();
    expect(whileHeld).not.toBe(afterSignIn);
    expect(await isAccepted(afterSignIn, api.cookieHeader!)).toBe(false);
    expect(await isAccepted(afterSignIn, signedInCookies)).toBe(false); // that session is gone too

    const complete = await api.send(
      'POST',
      '/api/session/mfa',
      { passcode: demo.currentPasscode()! },
      { 'X-CSRF-Token': whileHeld },
      false,
    );
    expect(complete.status).toBe(201);
    const afterPasscode = await tokenNow();
    expect(afterPasscode).not.toBe(whileHeld);
    expect(await isAccepted(whileHeld, api.cookieHeader!)).toBe(false);
    expect(await isAccepted(afterPasscode, api.cookieHeader!)).toBe(true);
  });

  it('ends a session left idle longer than the idle timeout', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')], { sessionIdleTimeoutMs: 1200 });
    const api = new ApiSession(app.url);
    expect((await api.post('/api/session', login())).status).toBe(201);
    const cookie = api.cookieHeader!;
    // Used within the idle time: it rolls on.
    for (let i = 0; i < 3; i += 1) {
      await sleep(500);
      expect((await api.get('/api/token')).status).toBe(200);
    }
    await sleep(1500);
    const answer = await new ApiSession(app.url).request('GET', '/api/token', undefined, { Cookie: cookie });
    expect(answer.status).toBe(401);
  });

  it('ends a session at the absolute timeout even while in use', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')], { sessionAbsoluteTimeoutMs: 2500 });
    const api = new ApiSession(app.url);
    expect((await api.post('/api/session', login())).status).toBe(201);
    const cookie = api.cookieHeader!;
    const token = (await api.get('/api/token/secret')).body.token as string;
    const started = Date.now();
    while (Date.now() - started < 1200) {
      expect((await api.get('/api/token')).status).toBe(200);
      await sleep(300);
    }
    await sleep(2700 - (Date.now() - started));
    const answer = await new ApiSession(app.url).request('GET', '/api/token', undefined, { Cookie: cookie });
    expect(answer.status).toBe(401);
    // Its tokens are revoked as at sign-out: nobody could revoke them once the session is gone.
    await expect.poll(() => demo.isTokenValid(token)).toBe(false);
  });
});
