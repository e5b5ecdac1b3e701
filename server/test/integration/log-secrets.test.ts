import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 6 "Secrets": the structured logs never carry a password, a token or the session cookie.
 * Every endpoint is driven, failures included (wrong password, upstream faults, 429, bad input),
 * with the log level at debug, then the captured log text is searched.
 */

let demo: DemoCloud;
let vk: DemoCloud;
let app: TestApp;

beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
  vk = await startDemoCloud({ profile: 'vk' });
  app = await startTestApp(
    [
      demoCloudConfig(demo, 'demo'),
      demoCloudConfig(demo, 'demo-unscoped', { unscoped: true }),
      demoCloudConfig(vk, 'vk'),
    ],
    {
      upstreamTimeoutMs: 300,
      tokenCreationsPerMinute: 12,
    },
  );
});
afterAll(async () => {
  await app.close();
  await demo.close();
  await vk.close();
});

describe('logs', () => {
  it('hold no password, token or cookie after every endpoint, failures included', async () => {
    const password = demo.credentials.password;
    const wrongPassword = 'Wr0ng-pa55word-that-must-not-leak';
    const secrets = new Set<string>([password, wrongPassword]);
    const cookies = new Set<string>();
    const remember = async (api: ApiSession) => {
      const secret = await api.get('/api/token/secret');
      if (secret.status === 200) secrets.add(secret.body.token as string);
      if (api.cookieHeader) cookies.add(api.cookieHeader);
    };

    const anonymous = new ApiSession(app.url);
    await anonymous.get('/api/clouds');
    await anonymous.get('/api/health');
    await anonymous.get('/api/ready');
    await anonymous.get('/api/token');
    await anonymous.post('/api/session', { cloud: 'demo', password: wrongPassword });
    await anonymous.post('/api/session', { cloud: 'demo', password: wrongPassword, bogus: password });
    await anonymous.request('POST', '/api/session', undefined, {
      'Content-Type': 'application/json',
      'X-Auth-Token': password,
    });

    const api = new ApiSession(app.url);
    expect((await api.post('/api/session', { cloud: 'demo', password })).status).toBe(201);
    await remember(api);
    expect((await api.post('/api/token/reissue', {})).status).toBe(200);
    await remember(api);
    expect((await api.post('/api/token/reissue', { password: wrongPassword })).status).toBe(401);
    await api.get('/api/token');
    await api.get('/api/session');
    await api.get('/api/tokens');
    await api.get('/api/catalog');
    await api.get('/api/projects');
    await api.get('/api/networks?limit=2');
    await api.get('/api/networks?limit=abc');
    expect(
      (
        await api.post('/api/session/project', {
          projectId: (await api.get('/api/projects')).body.projects[1].id,
        })
      ).status,
    ).toBe(200);
    await remember(api);
    const tokens = (await api.get('/api/tokens')).body.tokens as { id: string; isCurrent: boolean }[];
    expect((await api.delete(`/api/tokens/${tokens.find((token) => !token.isCurrent)!.id}`)).status).toBe(
      204,
    );
    await api.request('GET', '/api/token', undefined, {
      'X-Auth-Token': [...secrets].at(-1)!,
      Authorization: `Bearer ${password}`,
    });

    // Upstream faults while signed in and at sign-in.
    for (const fault of [
      { kind: 'unreachable' },
      { kind: 'slow', delayMs: 1000 },
      { kind: 'status', status: 500 },
      { kind: 'non-json' },
    ] as const) {
      demo.setFault(fault, 'all');
      await api.get('/api/networks');
      await api.post('/api/token/reissue', {});
      await new ApiSession(app.url).post('/api/session', { cloud: 'demo', password });
      demo.setFault(null);
    }
    demo.setFault({ kind: 'rate-limit', retryAfterSeconds: 3 }, 'all');
    await api.post('/api/token/reissue', {});
    await api.get('/api/networks');
    demo.setFault(null);
    // Neutron refusing the token: renew once, retry once.
    demo.setFault({ kind: 'status', status: 401 }, 'neutron');
    await api.get('/api/networks');
    demo.setFault(null);
    await remember(api);

    // Unscoped, then a project; VK (catalog fetched with the token).
    const unscoped = new ApiSession(app.url);
    expect((await unscoped.post('/api/session', { cloud: 'demo-unscoped', password })).status).toBe(201);
    await remember(unscoped);
    await unscoped.get('/api/projects');
    await unscoped.get('/api/catalog');
    const vkApi = new ApiSession(app.url);
    expect(
      (await vkApi.post('/api/session', { cloud: 'vk', password: vk.credentials.password })).status,
    ).toBe(201);
    await remember(vkApi);
    await vkApi.get('/api/catalog');
    await vkApi.get('/api/networks');

    // Our own budget (12 per minute) runs out.
    for (let i = 0; i < 12; i += 1) await api.post('/api/token/reissue', {});
    await remember(api);

    for (const session of [api, unscoped, vkApi]) {
      const cookie = session.cookieHeader;
      expect((await session.delete('/api/session')).status).toBe(200);
      if (cookie) cookies.add(cookie);
    }
    // A stale cookie after logout.
    await new ApiSession(app.url).request('GET', '/api/token', undefined, { Cookie: [...cookies][0]! });

    const logs = app.logs();
    expect(logs.split('\n').filter(Boolean).length).toBeGreaterThan(50);
    expect(logs).toContain('"status":429');
    expect(logs).toContain('"status":503');
    expect(secrets.size).toBeGreaterThanOrEqual(7);
    expect(cookies.size).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) {
      expect(logs.includes(secret), `secret ${secret.slice(0, 6)}… is in the logs`).toBe(false);
      expect(logs.includes(encodeURIComponent(secret))).toBe(false);
    }
    for (const cookie of cookies) {
      const value = cookie.slice(cookie.indexOf('=') + 1);
      const sessionId = decodeURIComponent(value).replace(/^s:/, '').split('.')[0]!;
      expect(sessionId.length).toBeGreaterThan(20);
      for (const needle of [value, decodeURIComponent(value), sessionId]) {
        expect(logs.includes(needle), `cookie ${needle.slice(0, 6)}… is in the logs`).toBe(false);
      }
    }
  });
});
