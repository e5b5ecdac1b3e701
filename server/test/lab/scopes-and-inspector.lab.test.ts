import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/contract/catalog.js';
import type { TokenInspectionInfo } from '../../src/contract/inspector.js';
import type { NetworkPage } from '../../src/contract/networks.js';
import type { ScopeList } from '../../src/contract/scopes.js';
import type { SessionInfo } from '../../src/contract/session.js';
import type { IssuedTokenList, TokenInfo } from '../../src/contract/token.js';
import { ApiSession } from '../support/api-session.js';
import { readLabFacts } from '../support/lab-facts.js';
import { labClouds } from '../support/lab.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 15 against the real Keystone 22 and Neutron 21: the scopes each lab user has (admin: its
 * project and the system; domain-admin: domain Default only; demo: two projects), switching to
 * them, and the token inspector's verdicts.
 */
let app: TestApp;
const lab = readLabFacts();
const keystone = `${lab.keystoneUrl}/v3`;

beforeAll(async () => {
  app = await startTestApp(labClouds());
});
afterAll(async () => app.close());

async function signIn(cloud: string, user: { name: string; password: string }, extra = {}) {
  const api = new ApiSession(app.url);
  const answer = await api.post<SessionInfo>('/api/session', {
    cloud,
    username: user.name,
    password: user.password,
    ...extra,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return api;
}

async function secretOf(api: ApiSession): Promise<string> {
  return (await api.get<{ token: string }>('/api/token/secret')).body.token;
}

/** Keystone's own view of a token's scope, asked with the token itself. */
async function scopeAtKeystone(token: string) {
  const response = await fetch(`${keystone}/auth/tokens?nocatalog`, {
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    token: { project?: { name: string }; domain?: { id: string }; system?: { all: boolean } };
  };
  return body.token;
}

describe('scopes', () => {
  it('offers the admin its project and the system, and switches to the system in one click', async () => {
    const api = await signIn('lab-admin', lab.users.admin!);
    const scopes = (await api.get<ScopeList>('/api/scopes')).body;
    expect(scopes.projects.map((project) => project.name)).toEqual(['admin']);
    expect(scopes.domains).toEqual([]);
    expect(scopes.system).toBe(true);

    const before = (await api.get<IssuedTokenList>('/api/tokens')).body.tokens.length;
    const switched = await api.post<SessionInfo>('/api/session/scope', { kind: 'system' });
    expect(switched.status, JSON.stringify(switched.body)).toBe(200);
    expect(switched.body.scope).toEqual({ kind: 'system' });
    expect(switched.body.project).toBeNull();

    // Recorded in the ledger, and Keystone agrees.
    const tokens = (await api.get<IssuedTokenList>('/api/tokens')).body.tokens;
    expect(tokens).toHaveLength(before + 1);
    expect(tokens[0]).toMatchObject({ isCurrent: true, scope: { kind: 'system' } });
    expect((await scopeAtKeystone(await secretOf(api))).system).toEqual({ all: true });

    const info = (await api.get<TokenInfo>('/api/token')).body;
    expect(info.scope).toEqual({ kind: 'system' });
    expect(info.roles.map((role) => role.name)).toContain('admin');

    // A system-scoped token has a catalog, and the system admin's Neutron lists every project's networks.
    const catalog = (await api.get<Catalog>('/api/catalog')).body;
    expect(catalog.services.map((service) => service.type)).toContain('network');
    const networks = (await api.get<NetworkPage>('/api/networks')).body;
    expect(networks.networks.map((network) => network.name)).toEqual(
      expect.arrayContaining(['public', 'demo-net-1']),
    );

    // A reissue keeps the system scope.
    const reissued = await api.post<TokenInfo>('/api/token/reissue', {});
    expect(reissued.body.scope).toEqual({ kind: 'system' });

    // And back to the project.
    const back = await api.post<SessionInfo>('/api/session/scope', {
      kind: 'project',
      projectId: lab.projects.admin!.id,
    });
    expect(back.body.scope).toMatchObject({ kind: 'project', project: { name: 'admin' } });
  });

  it('offers the domain admin exactly domain Default, and its domain-scoped token works', async () => {
    const api = await signIn('lab-domain-admin', lab.users.domainAdmin!);
    expect((await api.get<SessionInfo>('/api/session')).body.scope).toEqual({ kind: 'unscoped' });
    const scopes = (await api.get<ScopeList>('/api/scopes')).body;
    expect(scopes).toEqual({
      projects: [],
      domains: [{ id: 'default', name: 'Default', enabled: true }],
      system: false,
    });

    const switched = await api.post<SessionInfo>('/api/session/scope', {
      kind: 'domain',
      domainId: 'default',
    });
    expect(switched.status, JSON.stringify(switched.body)).toBe(200);
    expect(switched.body.scope).toEqual({ kind: 'domain', domain: { id: 'default', name: 'Default' } });
    const token = await secretOf(api);
    expect((await scopeAtKeystone(token)).domain?.id).toBe('default');
    // The domain admin lists the projects of its domain with it.
    const projects = await fetch(`${keystone}/projects?domain_id=default`, {
      headers: { 'X-Auth-Token': token },
    });
    expect(projects.status).toBe(200);

    const catalog = (await api.get<Catalog>('/api/catalog')).body;
    expect(catalog.services.length).toBeGreaterThan(0);
  });

  it('refuses a scope the user does not have, plainly and before Keystone', async () => {
    const api = await signIn('lab', lab.users.demo!);
    const scopes = (await api.get<ScopeList>('/api/scopes')).body;
    expect(scopes.projects.map((project) => project.name)).toEqual(['demo', 'other']);
    expect(scopes.system).toBe(false);

    const system = await api.post('/api/session/scope', { kind: 'system' });
    expect(system.status).toBe(400);
    expect(system.body.error.message).toMatch(/no role on the system/);
    const domain = await api.post('/api/session/scope', { kind: 'domain', domainId: 'default' });
    expect(domain.status).toBe(400);
    expect(domain.body.error.fields).toEqual({ domainId: 'is not a domain you have a role on' });

    for (const body of [
      {},
      { kind: 'realm' },
      { kind: 'domain' },
      { kind: 'project', projectId: 'a b' },
      [],
    ]) {
      const answer = await api.post('/api/session/scope', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('invalid_input');
      expect(answer.body.error.message).toMatch(/^Invalid scope choice/);
    }
  });
});

describe('the token inspector', () => {
  it('says valid for a live token, with its scope, roles, methods and catalog size', async () => {
    const api = await signIn('lab', lab.users.demo!);
    const token = await secretOf(api);
    const answer = await api.post<TokenInspectionInfo>('/api/inspector', { token });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const inspection = answer.body;
    expect(inspection.verdict).toBe('valid');
    expect(inspection.tokenPreview).toBe(`${token.slice(0, 16)}…`);
    expect(JSON.stringify(inspection)).not.toContain(token);
    expect(inspection.details).toMatchObject({
      user: { name: 'demo' },
      scope: { kind: 'project', project: { name: 'demo' } },
      methods: ['password'],
      catalog: { services: 5, endpoints: 30 },
    });
    expect(inspection.details!.secondsLeft).toBeGreaterThan(3000);
    expect(app.logs()).not.toContain(token);
  });

  it('says revoked for a token revoked through the BFF, picked from the session list', async () => {
    const api = await signIn('lab', lab.users.demo!);
    const first = (await api.get<TokenInfo>('/api/token')).body.id;
    await api.post('/api/token/reissue', {});
    expect((await api.delete(`/api/tokens/${first}`)).status).toBe(204);
    const byList = await api.post<TokenInspectionInfo>('/api/inspector', { tokenId: first });
    expect(byList.body).toMatchObject({ verdict: 'revoked', tokenId: first, details: null });
    // Without the allow_expired look-up Keystone's refusal cannot tell expired from revoked.
    const plain = await api.post<TokenInspectionInfo>('/api/inspector', {
      tokenId: first,
      allowExpired: false,
    });
    expect(plain.body.verdict).toBe('not_accepted');
    expect(plain.body.keystoneMessage).toBe('Failed to validate token');
  });

  it('says expired for a token that ran out (an application credential that expires in seconds)', async () => {
    const demoApi = await signIn('lab', lab.users.demo!);
    const demoToken = await secretOf(demoApi);
    // Keystone caps a token at its application credential's expiry (CVE-2022-2447).
    const expiresAt = new Date(Date.now() + 3000).toISOString().slice(0, 19);
    const created = await fetch(`${keystone}/users/${lab.users.demo!.id}/application_credentials`, {
      method: 'POST',
      headers: { 'X-Auth-Token': demoToken, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        application_credential: {
          name: `inspector-expiry-${Date.now()}`,
          expires_at: expiresAt,
          roles: [{ name: 'reader' }],
        },
      }),
    });
    expect(created.status).toBe(201);
    const credential = ((await created.json()) as { application_credential: { id: string; secret: string } })
      .application_credential;
    try {
      const issued = await fetch(`${keystone}/auth/tokens?nocatalog`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          auth: {
            identity: {
              methods: ['application_credential'],
              application_credential: { id: credential.id, secret: credential.secret },
            },
          },
        }),
      });
      expect(issued.status).toBe(201);
      const shortLived = issued.headers.get('x-subject-token')!;
      await expect
        .poll(
          async () =>
            (await demoApi.post<TokenInspectionInfo>('/api/inspector', { token: shortLived })).body.verdict,
          { timeout: 15_000, interval: 1000 },
        )
        .toBe('expired');
      const expired = (await demoApi.post<TokenInspectionInfo>('/api/inspector', { token: shortLived })).body;
      expect(expired.details).toMatchObject({
        secondsLeft: 0,
        methods: ['application_credential'],
        applicationCredential: { id: credential.id },
      });
    } finally {
      await fetch(`${keystone}/users/${lab.users.demo!.id}/application_credentials/${credential.id}`, {
        method: 'DELETE',
        headers: { 'X-Auth-Token': demoToken },
      });
    }
  });

  it("says unknown for a string that is no token, and shows Keystone's refusal of another user's token", async () => {
    const demo = await signIn('lab', lab.users.demo!);
    const unknown = await demo.post<TokenInspectionInfo>('/api/inspector', {
      token: 'gAAAAAnot-a-real-token',
    });
    expect(unknown.body).toMatchObject({ verdict: 'unknown', tokenPreview: 'gAAAAAnot-a…' });
    expect(unknown.body.keystoneMessage).toMatch(/Fernet/);

    const admin = await signIn('lab-admin', lab.users.admin!);
    const adminToken = await secretOf(admin);
    const refused = await demo.post<TokenInspectionInfo>('/api/inspector', { token: adminToken });
    expect(refused.body.verdict).toBe('refused');
    expect(refused.body.keystoneMessage).toMatch(/identity:validate_token/);
    // An admin may inspect anyone's.
    const demoToken = await secretOf(demo);
    expect((await admin.post<TokenInspectionInfo>('/api/inspector', { token: demoToken })).body.verdict).toBe(
      'valid',
    );
    expect(app.logs()).not.toContain(adminToken);
    expect(app.logs()).not.toContain(demoToken);
  });

  it('answers malformed requests with 400 naming the field, never echoing the token', async () => {
    const api = await signIn('lab', lab.users.demo!);
    const token = await secretOf(api);
    const cases: unknown[] = [
      {},
      { token: '' },
      { token: 'has a space' },
      { token: 'x'.repeat(4097) },
      { tokenId: 'NOT-AN-ID' },
      { token, tokenId: 'abcdef0123456789' },
      { token, allowExpired: 'yes' },
      { token, extra: true },
    ];
    for (const body of cases) {
      const answer = await api.post('/api/inspector', body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.body.error.code).toBe('invalid_input');
      expect(JSON.stringify(answer.body)).not.toContain(token);
    }
    expect((await api.post('/api/inspector', { tokenId: 'abcdef0123456789' })).status).toBe(404);
  });
});
