import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/contract/catalog.js';
import type { NetworkPage } from '../../src/contract/networks.js';
import type { TokenInfo } from '../../src/contract/token.js';
import { ApiSession } from '../support/api-session.js';
import { readLabFacts } from '../support/lab-facts.js';
import { isValidAtKeystone, labClouds, listNetworksAtNeutron } from '../support/lab.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The BFF against the real Keystone 22 and Neutron 21 of the lab: every v3 flow of the engine.
 */
let app: TestApp;
const lab = readLabFacts();
const demo = lab.users.demo!;

beforeAll(async () => {
  app = await startTestApp(labClouds());
});
afterAll(async () => app.close());

async function signIn(body: Record<string, unknown> = {}) {
  const api = new ApiSession(app.url);
  const answer = await api.post('/api/session', { cloud: 'lab', password: demo.password, ...body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return api;
}

async function secretOf(api: ApiSession): Promise<string> {
  const answer = await api.get('/api/token/secret');
  expect(answer.status).toBe(200);
  expect(answer.headers.get('cache-control')).toBe('no-store');
  return answer.body.token as string;
}

describe('signing in to the real Keystone', () => {
  it('exchanges the password for a project token kept server-side and describes it', async () => {
    const api = await signIn();
    expect(api.sessionCookie).toMatch(/^api-access\.sid=/);

    const info = (await api.get<TokenInfo>('/api/token')).body;
    expect(info.project).toEqual({
      id: lab.projects.demo!.id,
      name: 'demo',
      domain: { id: 'default', name: 'Default' },
    });
    expect(info.user).toMatchObject({ id: demo.id, name: 'demo' });
    expect(info.roles.map((role) => role.name).sort()).toEqual(['member', 'reader']);
    expect(info.methods).toEqual(['password']);
    expect(info.auditIds).toHaveLength(1);
    expect(info.lifetimeSeconds).toBe(3600);
    expect(info.secondsLeft).toBeGreaterThan(3590);
    expect(info.identityApiVersion).toBe('3');
    expect(info.regionName).toBe('RegionOne');

    const token = await secretOf(api);
    expect(info.tokenPreview).toBe(`${token.slice(0, 16)}…`);
    expect(await isValidAtKeystone(token)).toBe(true);

    const session = await api.get('/api/session');
    expect(JSON.stringify(session.body)).not.toContain(demo.password);
    expect(JSON.stringify(session.body)).not.toContain(token);
  });

  it('scopes by project id, and signs in by user id', async () => {
    const byProjectId = await signIn({ projectId: lab.projects.other!.id, projectName: undefined });
    expect((await byProjectId.get<TokenInfo>('/api/token')).body.project?.name).toBe('other');

    const byUserId = await signIn({ userId: demo.id, username: undefined, projectId: lab.projects.demo!.id });
    expect((await byUserId.get<TokenInfo>('/api/token')).body.user.id).toBe(demo.id);
  });

  it('answers a wrong password with invalid_credentials and keeps no session', async () => {
    const api = new ApiSession(app.url);
    const answer = await api.post('/api/session', { cloud: 'lab', password: 'wrong-password' });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('invalid_credentials');
    expect((await api.get('/api/session')).body.error.code).toBe('not_authenticated');
  });

  it('signs in unscoped, lists the projects, then scopes the session to one', async () => {
    const api = new ApiSession(app.url);
    expect((await api.post('/api/session', { cloud: 'lab-unscoped', password: demo.password })).status).toBe(
      201,
    );
    const unscoped = (await api.get<TokenInfo>('/api/token')).body;
    expect(unscoped.project).toBeNull();
    const unscopedToken = await secretOf(api);

    const projects = (await api.get('/api/projects')).body.projects as { id: string; name: string }[];
    expect(projects.map((project) => project.name)).toEqual(['demo', 'other']);

    const scoped = await api.post('/api/session/project', { projectId: lab.projects.other!.id });
    expect(scoped.status).toBe(200);
    expect(scoped.body.project.name).toBe('other');
    const catalog = (await api.get<Catalog>('/api/catalog')).body;
    expect(catalog.regions).toEqual(['RegionOne', 'RegionTwo']);

    // Logout revokes both the unscoped token and the project one.
    const scopedToken = await secretOf(api);
    const logout = await api.delete('/api/session');
    expect(logout.body).toEqual({ revoked: 2, notRevoked: 0 });
    expect(await isValidAtKeystone(unscopedToken)).toBe(false);
    expect(await isValidAtKeystone(scopedToken)).toBe(false);
  });
});

describe('reissue and revoke at the real Keystone', () => {
  it('reissues a fresh token; both stay valid; revoking the old one is seen by Keystone', async () => {
    const api = await signIn();
    const first = (await api.get<TokenInfo>('/api/token')).body;
    const firstToken = await secretOf(api);

    const reissued = await api.post<TokenInfo>('/api/token/reissue', {});
    expect(reissued.status).toBe(200);
    expect(reissued.body.id).not.toBe(first.id);
    expect(reissued.body.auditIds).not.toEqual(first.auditIds);
    expect(reissued.body.methods).toEqual(['password']);
    expect(Date.parse(reissued.body.expiresAt)).toBeGreaterThanOrEqual(Date.parse(first.expiresAt));
    const secondToken = await secretOf(api);
    expect(secondToken).not.toBe(firstToken);
    expect(await isValidAtKeystone(firstToken)).toBe(true);
    expect(await isValidAtKeystone(secondToken)).toBe(true);

    const tokens = (await api.get('/api/tokens')).body.tokens as {
      id: string;
      isCurrent: boolean;
      isRevoked: boolean;
    }[];
    expect(tokens.map((token) => [token.id, token.isCurrent, token.isRevoked])).toEqual([
      [reissued.body.id, true, false],
      [first.id, false, false],
    ]);

    expect((await api.delete(`/api/tokens/${first.id}`)).status).toBe(204);
    expect(await isValidAtKeystone(firstToken)).toBe(false);
    expect(await isValidAtKeystone(secondToken)).toBe(true);
    expect((await api.delete('/api/tokens/0000000000000000')).body.error.code).toBe('not_found');

    await api.delete('/api/session');
    expect(await isValidAtKeystone(secondToken)).toBe(false);
    expect((await api.get('/api/token')).status).toBe(401);
  });

  it('revokes the previous token on request', async () => {
    const api = await signIn();
    const firstToken = await secretOf(api);
    expect((await api.post('/api/token/reissue', { revokePrevious: true })).status).toBe(200);
    expect(await isValidAtKeystone(firstToken)).toBe(false);
    expect(await isValidAtKeystone(await secretOf(api))).toBe(true);
    await api.delete('/api/session');
  });
});

describe('catalog and networks from the real services', () => {
  it('normalizes the catalog: both regions, three interfaces, services by type', async () => {
    const api = await signIn();
    const catalog = (await api.get<Catalog>('/api/catalog')).body;
    expect(catalog.regions).toEqual(['RegionOne', 'RegionTwo']);
    const network = catalog.services.find((service) => service.type === 'network')!;
    expect(network.endpoints).toHaveLength(6);
    expect(new Set(network.endpoints.map((e) => e.interface))).toEqual(
      new Set(['public', 'internal', 'admin']),
    );
    const objectStore = catalog.services.find((service) => service.type === 'object-store')!;
    // Keystone substitutes %(project_id)s in the URL.
    expect(objectStore.endpoints[0]!.url).toContain(`AUTH_${lab.projects.demo!.id}`);
  });

  it('lists exactly what Neutron lists for the token, in both regions', async () => {
    const api = await signIn();
    const direct = await listNetworksAtNeutron(await secretOf(api));
    for (const region of ['RegionOne', 'RegionTwo']) {
      const page = await api.get<NetworkPage>(`/api/networks?region=${region}&limit=100`);
      expect(page.status).toBe(200);
      expect(page.body.networks.map((n) => n.id)).toEqual(direct.map((n) => n.id));
      expect(page.body.nextMarker).toBeNull();
    }
    const names = direct.map((n) => n.name);
    expect(names).toEqual(expect.arrayContaining(['public', 'demo-net-1', 'demo-net-2', 'demo-net-3']));
    const publicNet = (await api.get<NetworkPage>('/api/networks?name=public')).body.networks;
    expect(publicNet).toHaveLength(1);
    expect(publicNet[0]).toMatchObject({ name: 'public', external: true, status: 'ACTIVE' });
  });

  it("walks Neutron's own networks_links page by page", async () => {
    const api = await signIn();
    const direct = await listNetworksAtNeutron(await secretOf(api));
    const seen: string[] = [];
    let marker: string | null = null;
    let pages = 0;
    do {
      const query: string = `/api/networks?limit=2${marker ? `&marker=${marker}` : ''}`;
      const page = (await api.get<NetworkPage>(query)).body;
      seen.push(...page.networks.map((n) => n.id));
      marker = page.nextMarker;
      pages += 1;
    } while (marker && pages < 20);
    expect(seen).toEqual(direct.map((n) => n.id));
    expect(pages).toBeGreaterThanOrEqual(2);
  });

  it('answers bad queries with invalid_input, and an unknown region with not_found', async () => {
    const api = await signIn();
    expect((await api.get('/api/networks?limit=0')).body.error.code).toBe('invalid_input');
    expect((await api.get('/api/networks?interface=private')).body.error.fields).toHaveProperty('interface');
    expect((await api.get('/api/networks?bogus=1')).body.error.fields).toEqual({
      bogus: 'is not a known field',
    });
    const noRegion = await api.get('/api/networks?region=Nowhere');
    expect(noRegion.status).toBe(404);
    expect(noRegion.body.error.message).toContain('Nowhere');
  });
});
