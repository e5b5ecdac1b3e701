import { afterEach, describe, expect, it } from 'vitest';
import { startDemoCloud, type DemoCloud, type DemoCloudOptions } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { startTokenRecordingProxy } from '../support/token-recording-proxy.js';
import { resolveIdentityEndpoint } from '../../src/config/identity-endpoint.js';
import { wrongTotp, currentTotp } from '../support/totp.js';

// Defects a review of the rebuilt engine found, each proven here against the demo cloud.
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.close();
});

async function demoCloud(options: DemoCloudOptions = {}): Promise<DemoCloud> {
  const demo = await startDemoCloud(options);
  running.push(demo);
  return demo;
}

async function testApp(...args: Parameters<typeof startTestApp>): Promise<TestApp> {
  const app = await startTestApp(...args);
  running.push(app);
  return app;
}

async function signIn(app: TestApp, demo: DemoCloud): Promise<ApiSession> {
  const api = new ApiSession(app.url);
  const answer = await api.post('/api/session', { cloud: 'demo', password: demo.credentials.password });
  expect(answer.status).toBe(201);
  return api;
}

describe('revoking a token Keystone will not confirm', () => {
  it('says Keystone did not confirm (502) and keeps the operator signed in', async () => {
    const demo = await demoCloud();
    const app = await testApp([demoCloudConfig(demo)]);
    const api = await signIn(app, demo);
    const first = (await api.get('/api/tokens')).body.tokens[0].id as string;
    expect((await api.post('/api/token/reissue', {})).status).toBe(200);

    demo.setFault({ kind: 'status', status: 403 }, 'keystone');
    const revoke = await api.delete(`/api/tokens/${first}`);
    demo.setFault(null);
    expect(revoke.status).toBe(502);
    expect(revoke.body.error.code).toBe('upstream_error');
    expect((await api.get('/api/token')).status).toBe(200);
  });
});

describe('a renewal that fails while the token still works', () => {
  it('goes on with the current token instead of failing the request', async () => {
    // Tokens of 100 s are always within the 2 minutes before expiry in which the BFF renews first.
    const demo = await demoCloud({ tokenLifetimeSeconds: 100 });
    const app = await testApp([demoCloudConfig(demo)], { tokenCreationsPerMinute: 2 });
    const api = await signIn(app, demo);
    // The sign-in and one renewal spend the budget; the next renewals are refused (429).
    for (let call = 0; call < 3; call += 1) {
      const networks = await api.get('/api/networks');
      expect(networks.status, JSON.stringify(networks.body)).toBe(200);
    }
  });
});

describe('guessing passcodes in parallel', () => {
  it('counts every guess of one receipt: after five, even the right passcode starts over', async () => {
    const demo = await demoCloud();
    const app = await testApp([demoCloudConfig(demo, 'demo', { as: 'mfa' })]);
    const api = new ApiSession(app.url);
    const mfa = demo.credentials.mfa!;
    const step = await api.post('/api/session', { cloud: 'demo', password: mfa.password });
    expect(step.body.error.code).toBe('mfa_required');

    const guesses = await Promise.all(
      Array.from({ length: 10 }, () => api.post('/api/session/mfa', { passcode: wrongTotp(mfa.totpSecret) })),
    );
    expect(guesses.map((guess) => guess.status)).toEqual(Array(10).fill(401));
    const right = await api.post('/api/session/mfa', { passcode: await currentTotp(mfa.totpSecret) });
    expect(right.status).toBe(401);
    expect(right.body.error.code).toBe('not_authenticated');
  });
});

describe('a token Keystone issued for a step that then fails', () => {
  it('is revoked, not left valid with no session to revoke it (VK: the catalog comes in a second call)', async () => {
    const demo = await demoCloud({ profile: 'vk' });
    const proxy = await startTokenRecordingProxy(demo.url);
    running.push(proxy);
    const authUrl = `${proxy.url}/v3`;
    const cloud = { ...demoCloudConfig(demo), authUrl, identity: resolveIdentityEndpoint(authUrl, '3') };
    const app = await testApp([cloud]);
    proxy.failGets(/\/v3\/auth\/catalog/);
    const api = new ApiSession(app.url);
    const answer = await api.post('/api/session', { cloud: 'demo', password: demo.credentials.password });
    expect(answer.status).toBe(502);
    expect(proxy.issuedTokens).toHaveLength(1);
    await expect.poll(() => demo.isTokenValid(proxy.issuedTokens[0]!)).toBe(false);
  });
});

describe('a token whose body the BFF cannot accept', () => {
  it('is revoked at Keystone before the sign-in fails', async () => {
    const demo = await demoCloud();
    const proxy = await startTokenRecordingProxy(demo.url);
    running.push(proxy);
    const authUrl = `${proxy.url}/v3`;
    const cloud = { ...demoCloudConfig(demo), authUrl, identity: resolveIdentityEndpoint(authUrl, '3') };
    const app = await testApp([cloud]);
    proxy.garbleTokenBodies(true);
    const answer = await new ApiSession(app.url).post('/api/session', {
      cloud: 'demo',
      password: demo.credentials.password,
    });
    expect(answer.status).toBe(502);
    expect(proxy.issuedTokens).toHaveLength(1);
    await expect.poll(() => demo.isTokenValid(proxy.issuedTokens[0]!)).toBe(false);
  });
});
