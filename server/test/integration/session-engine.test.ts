import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/contract/catalog.js';
import type { NetworkPage } from '../../src/contract/networks.js';
import type { TokenInfo } from '../../src/contract/token.js';
import { startDemoCloud, type DemoCloud, type DemoCloudOptions } from '../../src/demo-cloud/demo-cloud.js';
import { resolveIdentityEndpoint } from '../../src/config/identity-endpoint.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The session engine against the demo cloud over real HTTP: what the real lab (Keystone 22) will
 * not show on demand. v2.0 (NHN), a token body without catalog (VK), 429 and the token budget
 * (OVH), clock skew, single flight and renewal. Flows the lab covers live in session.lab.test.ts.
 */

const running: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const item of running.splice(0).reverse()) await item.close();
});

async function demoCloud(options: DemoCloudOptions): Promise<DemoCloud> {
  const demo = await startDemoCloud(options);
  running.push(demo);
  return demo;
}

async function testApp(...args: Parameters<typeof startTestApp>): Promise<TestApp> {
  const app = await startTestApp(...args);
  running.push(app);
  return app;
}

async function signIn(app: TestApp, body: Record<string, unknown>): Promise<ApiSession> {
  const api = new ApiSession(app.url);
  const answer = await api.post('/api/session', body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return api;
}

async function secretOf(api: ApiSession): Promise<string> {
  const answer = await api.get('/api/token/secret');
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.token as string;
}

/** Revokes a token at the demo Keystone itself, behind the BFF's back (DELETE /v3/auth/tokens). */
async function revokeAtKeystone(demo: DemoCloud, token: string): Promise<void> {
  const response = await fetch(`${demo.url}/v3/auth/tokens`, {
    method: 'DELETE',
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
  });
  expect(response.status).toBe(204);
  expect(demo.isTokenValid(token)).toBe(false);
}

const secondsUntil = (iso: string) => (Date.parse(iso) - Date.now()) / 1000;

// ------------------------------------------------------------------------------------------------

describe('Keystone v2.0 (NHN Cloud profile)', () => {
  let nhn: DemoCloud;
  let classic: DemoCloud;
  let app: TestApp;
  const savedTz = process.env.TZ;

  beforeAll(async () => {
    // A zone far from UTC: an issued_at without zone read as local time would be 9 h off.
    process.env.TZ = 'Asia/Seoul';
    nhn = await demoCloud({ profile: 'nhn', networkCount: 3 });
    // The default profile serves v2.0 too, with a DELETE /v2.0/tokens/{id} that works.
    classic = await demoCloud({ profile: 'default' });
    const classicV2 = {
      ...demoCloudConfig(classic, 'classic-v2'),
      authUrl: `${classic.url}/v2.0`,
      identity: resolveIdentityEndpoint(`${classic.url}/v2.0`),
      defaults: {
        username: classic.credentials.username,
        projectId: classic.credentials.projectId,
        regionName: 'RegionOne',
      },
    };
    app = await testApp([demoCloudConfig(nhn, 'nhn'), classicV2]);
  });
  afterAll(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('runs in a time zone that is not UTC (so the next tests mean something)', () => {
    expect(new Date('2026-01-01T00:00:00').getTimezoneOffset()).toBe(-540);
  });

  it('signs in with tenantId: TokenInfo says 2.0 and reads the zone-less issued_at as UTC', async () => {
    const api = await signIn(app, {
      cloud: 'nhn',
      password: nhn.credentials.password,
      projectId: nhn.credentials.projectId,
    });
    const info = (await api.get<TokenInfo>('/api/token')).body;
    expect(info.identityApiVersion).toBe('2.0');
    expect(info.project).toEqual({
      id: nhn.credentials.projectId,
      name: nhn.credentials.projectName,
      domain: null,
    });
    expect(info.user).toMatchObject({ id: nhn.credentials.userId, name: nhn.credentials.username });
    expect(info.lifetimeSeconds).toBe(86_400);
    expect(info.secondsLeft).toBeGreaterThan(86_390);
    expect(info.secondsLeft).toBeLessThanOrEqual(86_400);
    expect(Math.abs(Date.parse(info.issuedAt) - Date.now())).toBeLessThan(10_000);
    expect(Math.abs(secondsUntil(info.expiresAt) - 86_400)).toBeLessThan(10);
    expect(info.regionName).toBe('KR1');
    expect(nhn.isTokenValid(await secretOf(api))).toBe(true);
  });

  it('signs in with tenantName', async () => {
    const api = await signIn(app, {
      cloud: 'nhn',
      password: nhn.credentials.password,
      projectName: 'c_DemoProj2',
    });
    const info = (await api.get<TokenInfo>('/api/token')).body;
    expect(info.project?.name).toBe('c_DemoProj2');
    expect(info.identityApiVersion).toBe('2.0');
  });

  it('answers a wrong password with invalid_credentials', async () => {
    const answer = await new ApiSession(app.url).post('/api/session', {
      cloud: 'nhn',
      password: 'not-the-password',
    });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('invalid_credentials');
  });

  it('normalizes the publicURL-only catalog and lists networks in KR1 and KR2', async () => {
    const api = await signIn(app, { cloud: 'nhn', password: nhn.credentials.password });
    const catalog = (await api.get<Catalog>('/api/catalog')).body;
    expect(catalog.regions).toEqual(expect.arrayContaining(['KR1', 'KR2']));
    const network = catalog.services.find((service) => service.type === 'network');
    expect(network?.endpoints.map((endpoint) => [endpoint.interface, endpoint.region]).sort()).toEqual([
      ['public', 'KR1'],
      ['public', 'KR2'],
    ]);
    expect(network?.endpoints.every((endpoint) => /^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint.url))).toBe(
      true,
    );

    for (const region of ['KR1', 'KR2']) {
      const page = await api.get<NetworkPage>(`/api/networks?region=${region}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.networks.length).toBeGreaterThan(0);
      expect(page.body.networks.some((item) => item.name.includes(`net-${region}-`))).toBe(true);
      expect(
        page.body.networks.some((item) => item.name.includes(`net-${region === 'KR1' ? 'KR2' : 'KR1'}-`)),
      ).toBe(false);
    }
    // Only the public interface exists on NHN.
    const internal = await api.get(`/api/networks?region=KR1&interface=internal`);
    expect(internal.status).toBeGreaterThanOrEqual(400);
    expect(internal.status).toBeLessThan(500);
  });

  it('logs out even though NHN cannot revoke: the outcome says so and the session is gone', async () => {
    const api = await signIn(app, { cloud: 'nhn', password: nhn.credentials.password });
    const token = await secretOf(api);
    const logout = await api.delete('/api/session');
    expect(logout.status).toBe(200);
    expect(logout.body).toEqual({ revoked: 0, notRevoked: 1 });
    expect(nhn.isTokenValid(token)).toBe(true);
    expect((await api.get('/api/token')).body.error.code).toBe('not_authenticated');
  });

  it('logs out when Keystone is unreachable, reporting the token as not revoked', async () => {
    const api = await signIn(app, { cloud: 'nhn', password: nhn.credentials.password });
    nhn.setFault({ kind: 'unreachable' }, 'keystone');
    try {
      const logout = await api.delete('/api/session');
      expect(logout.status).toBe(200);
      expect(logout.body).toEqual({ revoked: 0, notRevoked: 1 });
    } finally {
      nhn.setFault(null);
    }
    expect((await api.get('/api/token')).status).toBe(401);
  });

  it('revokes at logout where the v2.0 Keystone allows it (DELETE /v2.0/tokens/{id})', async () => {
    const api = await signIn(app, { cloud: 'classic-v2', password: classic.credentials.password });
    const info = (await api.get<TokenInfo>('/api/token')).body;
    expect(info.identityApiVersion).toBe('2.0');
    const token = await secretOf(api);
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const logout = await api.delete('/api/session');
    expect(logout.body).toEqual({ revoked: 1, notRevoked: 0 });
    expect(classic.isTokenValid(token)).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------------

describe('a token body without catalog (VK Cloud profile)', () => {
  let vk: DemoCloud;
  let app: TestApp;

  beforeAll(async () => {
    vk = await demoCloud({ profile: 'vk', networkCount: 3 });
    app = await testApp([demoCloudConfig(vk, 'vk')]);
  });

  it('fetches the catalog from /v3/auth/catalog once, then serves it from the session', async () => {
    const api = await signIn(app, { cloud: 'vk', password: vk.credentials.password });
    const before = vk.stats.requests;
    const first = await api.get<Catalog>('/api/catalog');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.services.map((service) => service.type)).toContain('network');
    expect(first.body.regions).toEqual(expect.arrayContaining(['ru-msk', 'ru-kz']));
    const afterFirst = vk.stats.requests;

    const second = await api.get<Catalog>('/api/catalog');
    expect(second.body).toEqual(first.body);
    // The first call may have fetched (at login or now); the second asks VK for nothing.
    expect(vk.stats.requests).toBe(afterFirst);
    expect(afterFirst - before).toBeLessThanOrEqual(1);

    const networks = await api.get<NetworkPage>('/api/networks');
    expect(networks.status, JSON.stringify(networks.body)).toBe(200);
    expect(networks.body.networks.some((item) => item.name.includes('net-ru-msk-'))).toBe(true);
  });

  it('knows the project of a minimal token body, and a reissue keeps the project scope', async () => {
    const api = await signIn(app, { cloud: 'vk', password: vk.credentials.password });
    const info = (await api.get<TokenInfo>('/api/token')).body;
    expect(info.project?.id).toBe(vk.credentials.projectId);

    const reissued = await api.post<TokenInfo>('/api/token/reissue', {});
    expect(reissued.status, JSON.stringify(reissued.body)).toBe(200);
    expect(reissued.body.project?.id).toBe(vk.credentials.projectId);
    const catalog = await api.get<Catalog>('/api/catalog');
    expect(catalog.status, JSON.stringify(catalog.body)).toBe(200);
    expect((await api.get<NetworkPage>('/api/networks')).status).toBe(200);
  });
});

// ------------------------------------------------------------------------------------------------

describe('rate limits (OVH profile)', () => {
  it("turns Keystone's 429 into our 429 with Retry-After and retryAfter", async () => {
    // OVH allows 60 token creations per minute per user; this one allows 2.
    const ovh = await demoCloud({ profile: 'ovh', tokenCreationsPerMinute: 2 });
    const app = await testApp([demoCloudConfig(ovh, 'ovh')]);
    const api = await signIn(app, { cloud: 'ovh', password: ovh.credentials.password });
    expect((await api.post('/api/token/reissue', {})).status).toBe(200);

    const limited = await api.post('/api/token/reissue', {});
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body.error.retryAfter).toBe(retryAfter);
    // The session and its token survive a refused reissue.
    expect((await api.get('/api/token')).status).toBe(200);
  });

  it("turns Neutron's 429 into our 429 with the upstream Retry-After", async () => {
    const ovh = await demoCloud({ profile: 'ovh' });
    const app = await testApp([demoCloudConfig(ovh, 'ovh')]);
    const api = await signIn(app, { cloud: 'ovh', password: ovh.credentials.password });
    ovh.setFault({ kind: 'rate-limit', retryAfterSeconds: 7 }, 'neutron');
    const limited = await api.get('/api/networks');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body.error).toMatchObject({ code: 'rate_limited', retryAfter: 7 });
    ovh.setFault(null);
    expect((await api.get('/api/networks')).status).toBe(200);
  });

  it('keeps each user under our own budget and answers 429 before calling Keystone', async () => {
    const ovh = await demoCloud({ profile: 'ovh' });
    const app = await testApp([demoCloudConfig(ovh, 'ovh')], { tokenCreationsPerMinute: 3 });
    const api = await signIn(app, { cloud: 'ovh', password: ovh.credentials.password }); // 1
    expect((await api.post('/api/token/reissue', {})).status).toBe(200); // 2
    expect((await api.post('/api/token/reissue', {})).status).toBe(200); // 3
    expect(ovh.stats.tokensIssued).toBe(3);

    const issued = ovh.stats.tokensIssued;
    const requests = ovh.stats.requests;
    const limited = await api.post('/api/token/reissue', {});
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBe(limited.body.error.retryAfter);
    expect(limited.body.error.retryAfter).toBeGreaterThanOrEqual(1);
    expect(limited.body.error.retryAfter).toBeLessThanOrEqual(60);

    // The budget is the user's, not the session's: a new sign-in is refused too.
    const again = await new ApiSession(app.url).post('/api/session', {
      cloud: 'ovh',
      password: ovh.credentials.password,
    });
    expect(again.status).toBe(429);
    expect(ovh.stats.tokensIssued).toBe(issued);
    expect(ovh.stats.requests).toBe(requests);
  });
});

// ------------------------------------------------------------------------------------------------

describe('a Keystone clock that differs from ours', () => {
  for (const skew of [3600, -3600]) {
    it(`keeps the countdown right with Keystone ${skew > 0 ? 'ahead' : 'behind'} by an hour`, async () => {
      const demo = await demoCloud({
        profile: 'default',
        clockSkewSeconds: skew,
        tokenLifetimeSeconds: 3600,
      });
      const app = await testApp([demoCloudConfig(demo, 'skewed')]);
      const api = await signIn(app, { cloud: 'skewed', password: demo.credentials.password });

      // Keystone really is skewed: its own expires_at is an hour off ours.
      const token = await secretOf(api);
      const validation = await fetch(`${demo.url}/v3/auth/tokens?nocatalog`, {
        headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
      });
      const keystoneExpiry = Date.parse(
        ((await validation.json()) as { token: { expires_at: string } }).token.expires_at,
      );
      expect(Math.abs((keystoneExpiry - Date.now()) / 1000 - (3600 + skew))).toBeLessThan(10);

      const info = (await api.get<TokenInfo>('/api/token')).body;
      expect(info.lifetimeSeconds).toBe(3600);
      expect(info.secondsLeft).toBeGreaterThan(3590);
      expect(info.secondsLeft).toBeLessThanOrEqual(3600);
      expect(Math.abs(secondsUntil(info.expiresAt) - 3600)).toBeLessThan(10);
      expect(Math.abs(Date.parse(info.serverTime) - Date.now())).toBeLessThan(5000);

      // Neither "expired" nor "about to expire": no renewal before the Neutron call.
      const issued = demo.stats.tokensIssued;
      expect((await api.get('/api/networks')).status).toBe(200);
      expect(demo.stats.tokensIssued).toBe(issued);
    });
  }
});

// ------------------------------------------------------------------------------------------------

describe('single flight', () => {
  it('makes one Keystone call for 10 concurrent reissues in one session', async () => {
    const demo = await demoCloud({ profile: 'default' });
    const app = await testApp([demoCloudConfig(demo, 'demo')]);
    const api = await signIn(app, { cloud: 'demo', password: demo.credentials.password });
    const first = (await api.get<TokenInfo>('/api/token')).body;
    const before = demo.stats.tokensIssued;

    // A slow Keystone makes sure every request arrives while the first call is in flight.
    demo.setFault({ kind: 'slow', delayMs: 300 }, 'keystone');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => api.post<TokenInfo>('/api/token/reissue', {})),
    );
    demo.setFault(null);

    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(demo.stats.tokensIssued).toBe(before + 1);
    const ids = new Set(answers.map((answer) => answer.body.id));
    expect(ids.size).toBe(1);
    expect(ids.has(first.id)).toBe(false);
    expect((await api.get<TokenInfo>('/api/token')).body.id).toBe(answers[0]!.body.id);
    const tokens = (await api.get('/api/tokens')).body.tokens as { id: string }[];
    expect(tokens.map((token) => token.id)).toEqual([answers[0]!.body.id, first.id]);
  });
});

// ------------------------------------------------------------------------------------------------

describe('renewal before and after upstream calls', () => {
  let demo: DemoCloud;
  afterEach(() => demo?.setFault(null));

  it('renews a token with under 2 minutes left before calling Neutron', async () => {
    demo = await demoCloud({ profile: 'default', tokenLifetimeSeconds: 60 });
    const app = await testApp([demoCloudConfig(demo, 'demo')]);
    const api = await signIn(app, { cloud: 'demo', password: demo.credentials.password });
    const first = (await api.get<TokenInfo>('/api/token')).body;
    expect(first.lifetimeSeconds).toBe(60);
    const firstToken = await secretOf(api);
    const issued = demo.stats.tokensIssued;

    const page = await api.get<NetworkPage>('/api/networks');
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.networks.length).toBeGreaterThan(0);
    expect(demo.stats.tokensIssued).toBe(issued + 1);
    const renewed = (await api.get<TokenInfo>('/api/token')).body;
    expect(renewed.id).not.toBe(first.id);
    expect(await secretOf(api)).not.toBe(firstToken);
  });

  it('on a 401 from Neutron renews once and retries once', async () => {
    demo = await demoCloud({ profile: 'default' });
    const app = await testApp([demoCloudConfig(demo, 'demo')]);
    const api = await signIn(app, { cloud: 'demo', password: demo.credentials.password });
    const revoked = await secretOf(api);
    await revokeAtKeystone(demo, revoked);
    const issued = demo.stats.tokensIssued;

    const page = await api.get<NetworkPage>('/api/networks');
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(demo.stats.tokensIssued).toBe(issued + 1);
    const renewed = await secretOf(api);
    expect(renewed).not.toBe(revoked);
    expect(demo.isTokenValid(renewed)).toBe(true);
  });

  it('never loops: a Neutron that keeps answering 401 gets one renewal and one retry', async () => {
    demo = await demoCloud({ profile: 'default' });
    const app = await testApp([demoCloudConfig(demo, 'demo')]);
    const api = await signIn(app, { cloud: 'demo', password: demo.credentials.password });
    const issued = demo.stats.tokensIssued;
    const requests = demo.stats.requests;
    demo.setFault({ kind: 'status', status: 401 }, 'neutron');

    const answer = await api.get('/api/networks');
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('token_expired');
    expect(demo.stats.tokensIssued).toBe(issued + 1);
    // Neutron, Keystone (renewal), Neutron: three calls and no more.
    expect(demo.stats.requests - requests).toBe(3);
  });

  it('without the kept password: token_expired, then reissue needs {password}', async () => {
    demo = await demoCloud({ profile: 'default' });
    const app = await testApp([demoCloudConfig(demo, 'demo')], { keepPasswordForReissue: false });
    const api = await signIn(app, { cloud: 'demo', password: demo.credentials.password });
    expect((await api.get('/api/session')).body.reissueNeedsPassword).toBe(true);
    await revokeAtKeystone(demo, await secretOf(api));
    const issued = demo.stats.tokensIssued;

    const expired = await api.get('/api/networks');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('token_expired');
    expect(demo.stats.tokensIssued).toBe(issued);

    const withoutPassword = await api.post('/api/token/reissue', {});
    expect(withoutPassword.status).toBe(400);
    expect(withoutPassword.body.error.code).toBe('invalid_input');
    expect(withoutPassword.body.error.fields).toHaveProperty('password');
    expect(demo.stats.tokensIssued).toBe(issued);

    const wrongPassword = await api.post('/api/token/reissue', { password: 'not-the-password' });
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.body.error.code).toBe('invalid_credentials');

    const withPassword = await api.post<TokenInfo>('/api/token/reissue', {
      password: demo.credentials.password,
    });
    expect(withPassword.status, JSON.stringify(withPassword.body)).toBe(200);
    expect(demo.isTokenValid(await secretOf(api))).toBe(true);
    expect((await api.get('/api/networks')).status).toBe(200);
  });
});
