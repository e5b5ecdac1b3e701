import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkPage } from '../../src/contract/networks.js';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { storedSessions, watchStore } from '../support/session-store-probes.js';
import { testAppsClosedAfterAll, type TestApp } from '../support/test-app.js';

/**
 * Issue 16 item 3: GET /api/networks is served from the stored session, without express-session,
 * when its token needs no renewal (docs/decisions/0018-read-only-token-status.md). Whatever would
 * write the session goes on to express-session and is answered exactly as before, with no upstream
 * call made twice and no token obtained for nothing.
 */

let demo: DemoCloud;
let shortLived: DemoCloud;
beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
  // Tokens of 60 s: under the 2 minutes below which the BFF renews before an upstream call.
  shortLived = await startDemoCloud({ profile: 'default', tokenLifetimeSeconds: 60 });
});
afterAll(async () => {
  await demo.close();
  await shortLived.close();
});
const testApp = testAppsClosedAfterAll();

async function signedIn(app: TestApp, cloud: DemoCloud): Promise<ApiSession> {
  const api = new ApiSession(app.url);
  const answer = await api.post('/api/session', { cloud: 'demo', password: cloud.credentials.password });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return api;
}

async function secretOf(api: ApiSession): Promise<string> {
  return (await api.get('/api/token/secret')).body.token as string;
}

describe('GET /api/networks, read from the stored session', () => {
  it('answers with one store read, writes nothing and sets no cookie', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')]);
    const api = await signedIn(app, demo);
    const calls = watchStore(app.store);
    const issued = demo.stats.tokensIssued;
    for (let i = 0; i < 3; i += 1) {
      const page = await api.get<NetworkPage>('/api/networks?limit=2');
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.networks).toHaveLength(2);
      expect(page.body.nextMarker).toBe(page.body.networks[1]!.id);
      expect(page.headers.getSetCookie()).toEqual([]);
      expect(page.headers.get('cache-control')).toBe('no-store');
    }
    expect(calls).toMatchObject({ get: 0, getForReading: 3, set: 0, destroy: 0 });
    expect(demo.stats.tokensIssued).toBe(issued);
  });

  it('answers a malformed query 400 with its reason, like the usual route', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')]);
    const api = await signedIn(app, demo);
    const calls = watchStore(app.store);
    const requests = demo.stats.requests;
    const answer = await api.get('/api/networks?limit=many');
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_input');
    expect(answer.body.error.fields).toHaveProperty('limit');
    expect(calls.get).toBe(0);
    expect(demo.stats.requests).toBe(requests);
  });

  it('leaves a token due for renewal to express-session: one new token, saved in the session', async () => {
    const app = await testApp([demoCloudConfig(shortLived, 'demo')]);
    const api = await signedIn(app, shortLived);
    const before = await secretOf(api);
    const issued = shortLived.stats.tokensIssued;
    const calls = watchStore(app.store);

    const page = await api.get<NetworkPage>('/api/networks');
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.networks.length).toBeGreaterThan(0);
    // Not one for the read-only attempt and one more for the usual path.
    expect(shortLived.stats.tokensIssued).toBe(issued + 1);
    expect(calls.get).toBe(1);
    expect(calls.set).toBeGreaterThanOrEqual(1);
    const after = await secretOf(api);
    expect(after).not.toBe(before);
    expect(shortLived.isTokenValid(after)).toBe(true);
  });

  it('renews a token Neutron refuses without asking Neutron with it twice', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')]);
    const api = await signedIn(app, demo);
    const refused = await secretOf(api);
    const revoked = await fetch(`${demo.url}/v3/auth/tokens`, {
      method: 'DELETE',
      headers: { 'X-Auth-Token': refused, 'X-Subject-Token': refused },
    });
    expect(revoked.status).toBe(204);
    const issued = demo.stats.tokensIssued;
    const requests = demo.stats.requests;
    const calls = watchStore(app.store);

    const page = await api.get<NetworkPage>('/api/networks');
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(demo.stats.tokensIssued).toBe(issued + 1);
    // Read first without express-session, then with it.
    expect(calls).toMatchObject({ getForReading: 1, get: 1 });
    // Neutron (401, read-only), Keystone (the renewal, with express-session), Neutron: no more.
    expect(demo.stats.requests - requests).toBe(3);
    const renewed = await secretOf(api);
    expect(renewed).not.toBe(refused);
    expect(demo.isTokenValid(renewed)).toBe(true);
  });

  it('ends a session no key opens any more, as the usual route does: 401, cookie cleared, record gone', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-access-networks-read-'));
    const clouds = [demoCloudConfig(demo, 'demo')];
    const [oldSecret, newSecret] = [
      'old-secret-long-enough-0123456789abcdef',
      'new-secret-long-enough-0123456789abcdef',
    ];
    const before = await testApp(clouds, { dataDir, secrets: [oldSecret] });
    const api = await signedIn(before, demo);
    // Rotation re-signs the cookie with the new secret; the token stays sealed with the old one.
    const rotating = await testApp(clouds, { dataDir, secrets: [newSecret, oldSecret] });
    const rotatingApi = api.at(rotating.url);
    expect((await rotatingApi.get('/api/token')).status).toBe(200);

    const after = await testApp(clouds, { dataDir, secrets: [newSecret] });
    expect(storedSessions(after)).toBe(1);
    const answer = await rotatingApi.at(after.url).get('/api/networks');
    expect(answer.status, JSON.stringify(answer.body)).toBe(401);
    expect(answer.body.error.code).toBe('not_authenticated');
    expect(answer.body.error.message).toMatch(/sign in again/i);
    expect(answer.headers.getSetCookie().some((line) => /^api-access\.sid=;/.test(line))).toBe(true);
    expect(storedSessions(after)).toBe(0);
  });
});
