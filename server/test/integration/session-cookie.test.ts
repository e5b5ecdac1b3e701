import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig, sleep } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 6 "Sessions and browser": the session cookie's attributes, a new id at sign-in (session
 * fixation), and the idle and absolute timeouts.
 */

let demo: DemoCloud;
const running: TestApp[] = [];

beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
});
afterAll(async () => {
  for (const app of running.splice(0)) await app.close();
  await demo.close();
});

async function testApp(...args: Parameters<typeof startTestApp>): Promise<TestApp> {
  const app = await startTestApp(...args);
  running.push(app);
  return app;
}

const login = () => ({ cloud: 'demo', password: demo.credentials.password });

describe('session cookie', () => {
  it('behind TLS (SECURE_COOKIES, TRUST_PROXY) is __Host- prefixed, Secure, HttpOnly, SameSite=Strict, Path=/, no Domain', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')], {
      secureCookies: true,
      trustProxy: 'loopback',
    });
    const api = new ApiSession(app.url);
    const answer = await api.request('GET', '/api/csrf', undefined, { 'X-Forwarded-Proto': 'https' });
    const cookie = answer.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/^__Host-api-access=/);
    for (const attribute of [/; Secure/, /; HttpOnly/, /; SameSite=Strict/, /; Path=\//])
      expect(cookie).toMatch(attribute);
    expect(cookie).not.toMatch(/Domain=/i);
    // The value is an opaque signed id: nothing of the session is in it.
    expect(decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!)).toMatch(/^s:[\w-]+\.[\w/+]+$/);
  });

  it('gets a new session id at sign-in: the pre-login id (fixation) is worth nothing afterwards', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')]);
    const api = new ApiSession(app.url);
    await api.refreshCsrfToken();
    const before = api.cookieHeader;
    expect(before).toMatch(/^api-access\.sid=/);
    expect((await api.post('/api/session', login())).status).toBe(201);
    const after = api.cookieHeader;
    expect(after).not.toBe(before);
    expect((await api.get('/api/token')).status).toBe(200);
    // An attacker who planted or read the pre-login cookie is not signed in.
    const planted = new ApiSession(app.url);
    const answer = await planted.request('GET', '/api/token', undefined, { Cookie: before! });
    expect(answer.status).toBe(401);
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
    const started = Date.now();
    while (Date.now() - started < 1200) {
      expect((await api.get('/api/token')).status).toBe(200);
      await sleep(300);
    }
    await sleep(2700 - (Date.now() - started));
    const answer = await new ApiSession(app.url).request('GET', '/api/token', undefined, { Cookie: cookie });
    expect(answer.status).toBe(401);
  });
});
