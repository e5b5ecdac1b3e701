import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScopeList } from '../../src/contract/scopes.js';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Scopes and the inspector where the lab cannot go: Keystone v2.0 (NHN profile), which has
 * projects only and no token validation for users, and a v3 Keystone without /v3/auth/domains and
 * /v3/auth/system (the demo cloud's, like Keystone before Queens), which offers no such scopes.
 * The real Keystone's flows: server/test/lab/scopes-and-inspector.lab.test.ts.
 */
let nhn: DemoCloud;
let classic: DemoCloud;
let app: TestApp;

beforeAll(async () => {
  nhn = await startDemoCloud({ profile: 'nhn' });
  classic = await startDemoCloud({ profile: 'default' });
  app = await startTestApp([demoCloudConfig(nhn, 'nhn'), demoCloudConfig(classic, 'demo')]);
});
afterAll(async () => {
  await app.close();
  await nhn.close();
  await classic.close();
});

async function signIn(body: Record<string, unknown>): Promise<ApiSession> {
  const api = new ApiSession(app.url);
  const answer = await api.post('/api/session', body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return api;
}

describe('a Keystone v2.0 cloud', () => {
  it('offers its project alone, refuses a domain or the system, and has no inspector', async () => {
    const api = await signIn({
      cloud: 'nhn',
      password: nhn.credentials.password,
      projectId: nhn.credentials.projectId,
    });
    const scopes = (await api.get<ScopeList>('/api/scopes')).body;
    expect(scopes).toEqual({
      projects: [expect.objectContaining({ id: nhn.credentials.projectId })],
      domains: [],
      system: false,
    });
    const system = await api.post('/api/session/scope', { kind: 'system' });
    expect(system.status).toBe(400);
    expect(system.body.error.code).toBe('invalid_input');
    const inspected = await api.post('/api/inspector', { token: 'abcdef0123456789abcdef' });
    expect(inspected.status).toBe(400);
    expect(inspected.body.error.fields).toEqual({ token: 'cannot be inspected on a Keystone v2.0 cloud' });
  });
});

describe('a v3 Keystone without the domain and system lists', () => {
  it('offers projects only, and the session keeps working', async () => {
    const api = await signIn({ cloud: 'demo', password: classic.credentials.password });
    const scopes = await api.get<ScopeList>('/api/scopes');
    expect(scopes.status, JSON.stringify(scopes.body)).toBe(200);
    expect(scopes.body.projects.length).toBeGreaterThan(0);
    expect(scopes.body.domains).toEqual([]);
    expect(scopes.body.system).toBe(false);
    expect((await api.get('/api/token')).status).toBe(200);
  });

  it("counts every switch in the user's token budget and records it in the session's ledger", async () => {
    const budgeted = await startTestApp([demoCloudConfig(classic, 'demo')], { tokenCreationsPerMinute: 3 });
    try {
      const api = new ApiSession(budgeted.url);
      expect(
        (await api.post('/api/session', { cloud: 'demo', password: classic.credentials.password })).status,
      ).toBe(201);
      const projectId = (await api.get<ScopeList>('/api/scopes')).body.projects[0]!.id;
      const switches: number[] = [];
      for (let i = 0; i < 3; i += 1)
        switches.push((await api.post('/api/session/scope', { kind: 'project', projectId })).status);
      // Sign-in + two switches fill a budget of three; the third switch is refused before Keystone.
      expect(switches).toEqual([200, 200, 429]);
      const tokens = (await api.get<{ tokens: unknown[] }>('/api/tokens')).body.tokens;
      expect(tokens).toHaveLength(3);
    } finally {
      await budgeted.close();
    }
  });

  it('limits the inspector to 20 look-ups a minute per session, with Retry-After', async () => {
    const api = await signIn({ cloud: 'demo', password: classic.credentials.password });
    const token = (await api.get<{ token: string }>('/api/token/secret')).body.token;
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1) statuses.push((await api.post('/api/inspector', { token })).status);
    expect(statuses.slice(0, 20).every((status) => status === 200)).toBe(true);
    const limited = await api.post('/api/inspector', { token });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another session has its own allowance.
    const other = await signIn({ cloud: 'demo', password: classic.credentials.password });
    expect((await other.post('/api/inspector', { token })).status).toBe(200);
  });
});
