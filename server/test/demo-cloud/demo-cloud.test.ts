import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  demoCloudsYaml,
  startDemoCloud,
  type DemoCloud,
  type DemoCloudOptions,
} from '../../src/demo-cloud/demo-cloud.js';

const started: DemoCloud[] = [];

async function start(options: DemoCloudOptions = {}): Promise<DemoCloud> {
  const cloud = await startDemoCloud(options);
  started.push(cloud);
  return cloud;
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(started.splice(0).map((cloud) => cloud.close()));
});

const keystoneTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000Z$/;

const endpointSchema = z.object({
  id: z.string(),
  interface: z.enum(['public', 'internal', 'admin']),
  region_id: z.string(),
  region: z.string(),
  url: z.string(),
});
const catalogSchema = z.array(
  z.object({ endpoints: z.array(endpointSchema), id: z.string(), type: z.string(), name: z.string() }),
);
const userSchema = z
  .object({
    domain: z.object({ id: z.string(), name: z.string() }).strict(),
    id: z.string(),
    name: z.string(),
    password_expires_at: z.null(),
  })
  .strict();
const scopedTokenSchema = z.object({
  token: z
    .object({
      methods: z.array(z.string()),
      user: userSchema,
      audit_ids: z.array(z.string().regex(/^[\w-]{22}$/)),
      expires_at: z.string().regex(keystoneTime),
      issued_at: z.string().regex(keystoneTime),
      project: z.object({
        domain: z.object({ id: z.string(), name: z.string() }),
        id: z.string(),
        name: z.string(),
      }),
      is_domain: z.literal(false),
      is_admin_project: z.literal(false).optional(),
      roles: z.array(z.object({ id: z.string(), name: z.string() })),
      catalog: catalogSchema.optional(),
    })
    .strict(),
});
const unscopedTokenSchema = z.object({
  token: z
    .object({
      methods: z.array(z.string()),
      user: userSchema,
      audit_ids: z.array(z.string()),
      expires_at: z.string().regex(keystoneTime),
      issued_at: z.string().regex(keystoneTime),
    })
    .strict(),
});
// Loose: VK adds dns_domain, private_dns_domain, sdn, which the tests read.
const networkSchema = z.looseObject({
  id: z.string().uuid(),
  name: z.string(),
  tenant_id: z.string(),
  project_id: z.string(),
  admin_state_up: z.boolean(),
  status: z.literal('ACTIVE'),
  shared: z.boolean(),
  'router:external': z.boolean(),
  mtu: z.number(),
  subnets: z.array(z.string()),
  availability_zones: z.array(z.string()),
  description: z.string(),
  created_at: z.string().regex(/Z$/),
  updated_at: z.string().regex(/Z$/),
});
type Network = z.infer<typeof networkSchema>;
const networkListSchema = z.object({
  networks: z.array(networkSchema),
  networks_links: z.array(z.object({ rel: z.enum(['next', 'previous']), href: z.string() })).optional(),
});

function passwordAuth(cloud: DemoCloud, scope?: unknown): unknown {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: {
            name: cloud.credentials.username,
            domain: { name: cloud.credentials.userDomainName },
            password: cloud.credentials.password,
          },
        },
      },
      ...(scope === undefined ? {} : { scope }),
    },
  };
}

function projectScope(cloud: DemoCloud, projectId = cloud.credentials.projectId): unknown {
  return { project: { id: projectId } };
}

async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function issueV3(
  cloud: DemoCloud,
  body: unknown,
): Promise<{ response: Response; token: string; json: unknown }> {
  const response = await postJson(`${cloud.url}/v3/auth/tokens`, body);
  const json: unknown = await response.json();
  return { response, token: response.headers.get('x-subject-token') ?? '', json };
}

async function scopedToken(cloud: DemoCloud, projectId?: string): Promise<string> {
  const { response, token } = await issueV3(cloud, passwordAuth(cloud, projectScope(cloud, projectId)));
  expect(response.status).toBe(201);
  return token;
}

async function fetchCatalog(cloud: DemoCloud, token: string): Promise<z.infer<typeof catalogSchema>> {
  const response = await fetch(`${cloud.url}/v3/auth/catalog`, { headers: { 'X-Auth-Token': token } });
  expect(response.status).toBe(200);
  return z.object({ catalog: catalogSchema }).parse(await response.json()).catalog;
}

function networkUrl(catalog: z.infer<typeof catalogSchema>, region: string): string {
  const endpoint = catalog
    .find((s) => s.type === 'network')
    ?.endpoints.find((e) => e.region_id === region && e.interface === 'public');
  if (!endpoint) throw new Error(`no network endpoint in ${region}`);
  return endpoint.url;
}

/** The join a correct client does: exactly one slash between the endpoint and `v2.0`. */
function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

async function listNetworks(url: string, token: string): Promise<z.infer<typeof networkListSchema>> {
  const response = await fetch(url, { headers: { 'X-Auth-Token': token } });
  expect(response.status).toBe(200);
  return networkListSchema.parse(await response.json());
}

function seconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

describe('default profile: Keystone v3', () => {
  it('issues a project-scoped token shaped like Keystone 22, with a two-region catalog', async () => {
    const cloud = await start();
    expect(cloud.authUrl).toBe(`${cloud.url}/v3`);
    expect(cloud.credentials).toMatchObject({
      username: 'demo',
      password: 'demo-pass',
      userDomainName: 'Default',
      projectName: 'demo',
    });
    const { response, token, json } = await issueV3(
      cloud,
      passwordAuth(cloud, { project: { name: 'demo', domain: { name: 'Default' } } }),
    );
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('vary')).toBe('X-Auth-Token');
    expect(response.headers.get('x-openstack-request-id')).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(token).toMatch(/^gAAAAAB[\w-]+$/);
    expect(token).toHaveLength(183);
    const body = scopedTokenSchema.parse(json).token;
    expect(body.methods).toEqual(['password']);
    expect(body.project).toEqual({
      domain: { id: 'default', name: 'Default' },
      id: cloud.credentials.projectId,
      name: 'demo',
    });
    expect(body.user.id).toBe(cloud.credentials.userId);
    expect(body.roles.map((r) => r.name).sort()).toEqual(['member', 'reader']);
    expect(seconds(body.expires_at) - seconds(body.issued_at)).toBe(3600);
    const catalog = body.catalog ?? [];
    expect(catalog.map((s) => s.type).sort()).toEqual(['compute', 'identity', 'image', 'network']);
    for (const service of catalog) {
      expect(service.endpoints).toHaveLength(6);
      for (const e of service.endpoints) expect(e.region).toBe(e.region_id);
    }
    expect(networkUrl(catalog, 'RegionOne')).toBe(`${cloud.url}/network/RegionOne`);
    expect(networkUrl(catalog, 'RegionTwo')).toBe(`${cloud.url}/network/RegionTwo`);
    expect(cloud.isTokenValid(token)).toBe(true);
    expect(cloud.stats.tokensIssued).toBe(1);
  });

  it('authenticates by user id and project id, and issues unscoped tokens without project, roles or catalog', async () => {
    const cloud = await start();
    const byId = await issueV3(cloud, {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { id: cloud.credentials.userId, password: 'demo-pass' } },
        },
        scope: { project: { id: cloud.credentials.projectId } },
      },
    });
    expect(byId.response.status).toBe(201);
    const unscoped = await issueV3(cloud, passwordAuth(cloud));
    expect(unscoped.response.status).toBe(201);
    expect(unscoped.token).toHaveLength(162);
    unscopedTokenSchema.parse(unscoped.json);

    const projects = await fetch(`${cloud.url}/v3/auth/projects`, {
      headers: { 'X-Auth-Token': unscoped.token },
    });
    expect(projects.status).toBe(200);
    const list = z
      .object({
        projects: z.array(
          z.object({ id: z.string(), name: z.string(), domain_id: z.string(), enabled: z.boolean() }),
        ),
        links: z.object({ self: z.string() }),
      })
      .parse(await projects.json());
    expect(list.projects.map((p) => p.name)).toEqual(['demo', 'other']);

    const catalog = await fetch(`${cloud.url}/v3/auth/catalog`, {
      headers: { 'X-Auth-Token': unscoped.token },
    });
    expect(catalog.status).toBe(403);
  });

  it('answers bad credentials, unknown projects and malformed bodies exactly like Keystone', async () => {
    const cloud = await start();
    const unauthorizedBody = {
      error: {
        code: 401,
        message: 'The request you have made requires authentication.',
        title: 'Unauthorized',
      },
    };
    const wrongPassword = await postJson(`${cloud.url}/v3/auth/tokens`, {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'demo', domain: { id: 'default' }, password: 'nope' } },
        },
      },
    });
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.headers.get('www-authenticate')).toBe(`Keystone uri="${cloud.url}/v3"`);
    expect(await wrongPassword.text()).toBe(JSON.stringify(unauthorizedBody));

    const unknownProject = await issueV3(cloud, passwordAuth(cloud, { project: { id: 'f'.repeat(32) } }));
    expect(unknownProject.response.status).toBe(401);
    expect(unknownProject.json).toEqual(unauthorizedBody);

    const empty = await postJson(`${cloud.url}/v3/auth/tokens`, { auth: {} });
    expect(empty.status).toBe(400);
    const emptyBody = z
      .object({
        error: z.object({ code: z.literal(400), message: z.string(), title: z.literal('Bad Request') }),
      })
      .parse(await empty.json());
    expect(emptyBody.error.message).toMatch(/^'identity' is a required property/);
    expect(cloud.stats.tokensIssued).toBe(0);
  });

  it('validates (GET, HEAD, ?nocatalog) and tells garbage from revoked tokens', async () => {
    const cloud = await start();
    const token = await scopedToken(cloud);
    const headers = { 'X-Auth-Token': token, 'X-Subject-Token': token };
    const full = await fetch(`${cloud.url}/v3/auth/tokens`, { headers });
    expect(full.status).toBe(200);
    expect(full.headers.get('x-subject-token')).toBe(token);
    expect(scopedTokenSchema.parse(await full.json()).token.catalog).toBeDefined();
    const noCatalog = await fetch(`${cloud.url}/v3/auth/tokens?nocatalog`, { headers });
    expect(scopedTokenSchema.parse(await noCatalog.json()).token.catalog).toBeUndefined();
    const head = await fetch(`${cloud.url}/v3/auth/tokens`, { method: 'HEAD', headers });
    expect(head.status).toBe(200);

    const garbage = await fetch(`${cloud.url}/v3/auth/tokens`, {
      headers: { 'X-Auth-Token': token, 'X-Subject-Token': 'garbage' },
    });
    expect(garbage.status).toBe(404);
    expect(await garbage.json()).toEqual({
      error: { code: 404, message: 'Could not recognize Fernet token', title: 'Not Found' },
    });
    const anonymous = await fetch(`${cloud.url}/v3/auth/tokens`, { headers: { 'X-Subject-Token': token } });
    expect(anonymous.status).toBe(401);
  });

  it('re-scopes with the token method, keeping the parent expiry and audit id', async () => {
    const cloud = await start();
    const parent = await issueV3(cloud, passwordAuth(cloud));
    const parentBody = unscopedTokenSchema.parse(parent.json).token;
    const otherId = (
      (await (
        await fetch(`${cloud.url}/v3/auth/projects`, { headers: { 'X-Auth-Token': parent.token } })
      ).json()) as { projects: { id: string; name: string }[] }
    ).projects.find((p) => p.name === 'other')?.id;
    const child = await issueV3(cloud, {
      auth: {
        identity: { methods: ['token'], token: { id: parent.token } },
        scope: { project: { id: otherId } },
      },
    });
    expect(child.response.status).toBe(201);
    const childBody = scopedTokenSchema.parse(child.json).token;
    expect(childBody.methods).toEqual(['password', 'token']);
    expect(childBody.project.name).toBe('other');
    expect(childBody.expires_at).toBe(parentBody.expires_at);
    expect(childBody.audit_ids).toEqual([expect.any(String), parentBody.audit_ids[0]]);
    expect(childBody.audit_ids[0]).not.toBe(parentBody.audit_ids[0]);

    // Revoking the child leaves the parent valid (lab); re-scoping a revoked token is 404.
    const revoke = await fetch(`${cloud.url}/v3/auth/tokens`, {
      method: 'DELETE',
      headers: { 'X-Auth-Token': child.token, 'X-Subject-Token': child.token },
    });
    expect(revoke.status).toBe(204);
    expect(cloud.isTokenValid(parent.token)).toBe(true);
    const fromRevoked = await issueV3(cloud, {
      auth: {
        identity: { methods: ['token'], token: { id: child.token } },
        scope: { project: { id: otherId } },
      },
    });
    expect(fromRevoked.response.status).toBe(404);
    expect(fromRevoked.json).toEqual({
      error: { code: 404, message: 'Failed to validate token', title: 'Not Found' },
    });
  });

  it('revokes with 204, then 404 "Failed to validate token"; a revoked token is 401 everywhere else', async () => {
    const cloud = await start();
    const token = await scopedToken(cloud);
    const headers = { 'X-Auth-Token': token, 'X-Subject-Token': token };
    const first = await fetch(`${cloud.url}/v3/auth/tokens`, { method: 'DELETE', headers });
    expect(first.status).toBe(204);
    expect(await first.text()).toBe('');
    expect(cloud.isTokenValid(token)).toBe(false);
    expect(cloud.stats.tokensRevoked).toBe(1);
    const again = await fetch(`${cloud.url}/v3/auth/tokens`, { method: 'DELETE', headers });
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({
      error: { code: 404, message: 'Failed to validate token', title: 'Not Found' },
    });
    expect(
      (await fetch(`${cloud.url}/v3/auth/projects`, { headers: { 'X-Auth-Token': token } })).status,
    ).toBe(401);
    const neutron = await fetch(`${cloud.url}/network/RegionOne/v2.0/networks`, {
      headers: { 'X-Auth-Token': token },
    });
    expect(neutron.status).toBe(401);
  });

  it('expires tokens on time: validation then says 404 and Neutron 401', async () => {
    const cloud = await start({ tokenLifetimeSeconds: 60 });
    const token = await scopedToken(cloud);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    expect(cloud.isTokenValid(token)).toBe(false);
    const validate = await fetch(`${cloud.url}/v3/auth/tokens`, {
      headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
    });
    expect(validate.status).toBe(404);
    const neutron = await fetch(`${cloud.url}/network/RegionOne/v2.0/networks`, {
      headers: { 'X-Auth-Token': token },
    });
    expect(neutron.status).toBe(401);
  });

  it('shifts issued_at/expires_at by the clock skew without shortening the lifetime', async () => {
    const cloud = await start({ clockSkewSeconds: -7200 });
    const { json, token } = await issueV3(cloud, passwordAuth(cloud, projectScope(cloud)));
    const body = scopedTokenSchema.parse(json).token;
    const skew = seconds(body.issued_at) - Date.now() / 1000;
    expect(skew).toBeGreaterThan(-7205);
    expect(skew).toBeLessThan(-7195);
    expect(seconds(body.expires_at) - seconds(body.issued_at)).toBe(3600);
    expect(cloud.isTokenValid(token)).toBe(true);
    const neutron = await fetch(`${cloud.url}/network/RegionOne/v2.0/networks`, {
      headers: { 'X-Auth-Token': token },
    });
    expect(neutron.status).toBe(200);
  });

  it('also serves Keystone v2.0 (with revocation) and advertises both versions at /', async () => {
    const cloud = await start();
    const response = await postJson(`${cloud.url}/v2.0/tokens`, {
      auth: { tenantName: 'demo', passwordCredentials: { username: 'demo', password: 'demo-pass' } },
    });
    expect(response.status).toBe(200);
    const access = z
      .object({
        access: z.object({
          token: z.object({ id: z.string().regex(/^[0-9a-f]{32}$/) }),
          serviceCatalog: z.array(
            z.object({
              endpoints: z.array(
                z.object({
                  publicURL: z.string(),
                  internalURL: z.string(),
                  adminURL: z.string(),
                  region: z.string(),
                }),
              ),
            }),
          ),
        }),
      })
      .parse(await response.json());
    const id = access.access.token.id;
    const revoke = await fetch(`${cloud.url}/v2.0/tokens/${id}`, {
      method: 'DELETE',
      headers: { 'X-Auth-Token': id },
    });
    expect(revoke.status).toBe(204);
    expect(cloud.isTokenValid(id)).toBe(false);
    const root = await fetch(`${cloud.url}/`);
    expect(root.status).toBe(300);
    expect(root.headers.get('location')).toBe(`${cloud.url}/v3/`);
    const versions = (await root.json()) as { versions: { values: { id: string }[] } };
    expect(versions.versions.values.map((v) => v.id)).toEqual(['v3.14', 'v2.0']);
  });
});

describe('vk profile', () => {
  it('accepts `region` inside scope.project and answers a body without project, roles or catalog', async () => {
    const cloud = await start({ profile: 'vk' });
    expect(cloud.identityApiVersion).toBe('3');
    expect(cloud.credentials.userDomainName).toBe('users');
    // Seed 000: the domain is sent by id with the value of OS_USER_DOMAIN_NAME.
    const { response, token, json } = await issueV3(cloud, {
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: {
              domain: { id: 'users' },
              name: cloud.credentials.username,
              password: cloud.credentials.password,
            },
          },
        },
        scope: { project: { id: cloud.credentials.projectId, region: cloud.regions[0] } },
      },
    });
    expect(response.status).toBe(201);
    const body = unscopedTokenSchema.parse(json).token;
    // Seed 001's key order; zod's parse output would reorder, so look at the raw JSON.
    expect(Object.keys((json as { token: object }).token)).toEqual([
      'issued_at',
      'audit_ids',
      'methods',
      'expires_at',
      'user',
    ]);
    expect(body.user.domain).toEqual({ id: 'users', name: 'users' });
    expect(seconds(body.expires_at) - seconds(body.issued_at)).toBe(3600);

    // Validation reveals the scope (still without a catalog); /v3/auth/catalog has it.
    const validated = await fetch(`${cloud.url}/v3/auth/tokens`, {
      headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
    });
    const validatedBody = scopedTokenSchema.parse(await validated.json()).token;
    expect(validatedBody.project.id).toBe(cloud.credentials.projectId);
    expect(validatedBody.catalog).toBeUndefined();
    const catalog = await fetchCatalog(cloud, token);
    for (const region of cloud.regions) {
      const url = networkUrl(catalog, region);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const list = await listNetworks(joinUrl(url, 'v2.0/networks'), token);
      expect(list.networks.every((n) => n.sdn === 'neutron' && n.mtu === 1500)).toBe(true);
      expect(list.networks.some((n) => n.name === `net-${region}-0001`)).toBe(true);
    }
    const v2 = await postJson(`${cloud.url}/v2.0/tokens`, { auth: {} });
    expect(v2.status).toBe(404);
    expect(v2.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('ovh profile', () => {
  it('uses an auth URL ending in /v3/, 24 h tokens and a network URL with a trailing slash', async () => {
    const cloud = await start({ profile: 'ovh' });
    expect(cloud.authUrl).toBe(`${cloud.url}/v3/`);
    expect(cloud.regions).toEqual(['GRA11', 'SBG5', 'BHS5']);
    // The OVH guide concatenates `${OS_AUTH_URL}auth/tokens`.
    const response = await postJson(
      `${cloud.authUrl}auth/tokens`,
      passwordAuth(cloud, { project: { name: cloud.credentials.projectName, domain: { id: 'default' } } }),
    );
    expect(response.status).toBe(201);
    const token = response.headers.get('x-subject-token') ?? '';
    const body = scopedTokenSchema.parse(await response.json()).token;
    expect(body.is_admin_project).toBe(false);
    expect(seconds(body.expires_at) - seconds(body.issued_at)).toBe(86_400);
    const url = networkUrl(body.catalog ?? [], 'SBG5');
    expect(url).toBe(`${cloud.url}/network/SBG5/`);
    expect((await listNetworks(joinUrl(url, 'v2.0/networks'), token)).networks.length).toBe(6);
    // A naive join doubles the slash: answered 404 so the bug shows.
    const naive = await fetch(`${url}/v2.0/networks`, { headers: { 'X-Auth-Token': token } });
    expect(naive.status).toBe(404);
  });

  it('answers 429 with Retry-After after 60 token creations per user per minute', async () => {
    const cloud = await start({ profile: 'ovh' });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i += 1)
      statuses.push((await issueV3(cloud, passwordAuth(cloud))).response.status);
    expect(statuses.every((s) => s === 201)).toBe(true);
    const limited = await issueV3(cloud, passwordAuth(cloud));
    expect(limited.response.status).toBe(429);
    const retryAfter = Number(limited.response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.json).toMatchObject({ error: { code: 429, title: 'Too Many Requests' } });
    expect(cloud.stats.tokensIssued).toBe(60);
    // The window slides: a minute later the budget is back.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    expect((await issueV3(cloud, passwordAuth(cloud))).response.status).toBe(201);
  });

  it('lets tokenCreationsPerMinute set a budget on any profile', async () => {
    const cloud = await start({ tokenCreationsPerMinute: 2 });
    expect((await issueV3(cloud, passwordAuth(cloud))).response.status).toBe(201);
    expect((await issueV3(cloud, passwordAuth(cloud))).response.status).toBe(201);
    expect((await issueV3(cloud, passwordAuth(cloud))).response.status).toBe(429);
  });
});

describe('nhn profile', () => {
  const v2AccessSchema = z.object({
    access: z.object({
      token: z.object({
        id: z.string().regex(/^[0-9a-f]{32}$/),
        expires: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        issued_at: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/),
        tenant: z.object({ id: z.string(), name: z.string(), enabled: z.literal(true) }),
      }),
      serviceCatalog: z.array(
        z.object({
          endpoints: z.array(z.object({ region: z.string(), publicURL: z.string() }).strict()),
          type: z.string(),
          name: z.string(),
        }),
      ),
      user: z.object({
        id: z.string(),
        name: z.string(),
        username: z.string(),
        roles: z.array(z.object({ name: z.string() })),
      }),
      metadata: z.object({ roles: z.array(z.string()), is_admin: z.literal(0) }),
    }),
  });

  it('serves v2.0 only: tenantId + passwordCredentials, issued_at without time zone, publicURL-only catalog', async () => {
    const cloud = await start({ profile: 'nhn' });
    expect(cloud.identityApiVersion).toBe('2.0');
    expect(cloud.authUrl).toBe(`${cloud.url}/v2.0`);
    expect(cloud.regions).toEqual(['KR1', 'KR2']);
    const v3 = await postJson(`${cloud.url}/v3/auth/tokens`, passwordAuth(cloud));
    expect(v3.status).toBe(404);
    expect(v3.headers.get('content-type')).toMatch(/^text\/html/);

    const response = await postJson(`${cloud.authUrl}/tokens`, {
      auth: {
        tenantId: cloud.credentials.projectId,
        passwordCredentials: { username: cloud.credentials.username, password: cloud.credentials.password },
      },
    });
    expect(response.status).toBe(200);
    const { access } = v2AccessSchema.parse(await response.json());
    // No zone on issued_at: read as UTC.
    const lifetime = seconds(access.token.expires) - Date.parse(`${access.token.issued_at}Z`) / 1000;
    expect(lifetime).toBeGreaterThan(86_399);
    expect(lifetime).toBeLessThanOrEqual(86_400);
    expect(access.token.tenant.id).toBe(cloud.credentials.projectId);
    const identity = access.serviceCatalog.find((s) => s.type === 'identity');
    expect(identity?.endpoints).toEqual([{ region: 'KR1', publicURL: `${cloud.url}/v2.0` }]);
    const network = access.serviceCatalog.find((s) => s.type === 'network');
    expect(network?.endpoints.map((e) => e.region)).toEqual(['KR1', 'KR2']);
    for (const endpoint of network?.endpoints ?? []) {
      expect(endpoint.publicURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const list = await listNetworks(`${endpoint.publicURL}/v2.0/networks`, access.token.id);
      expect(list.networks.some((n) => n.name === `net-${endpoint.region}-0001`)).toBe(true);
    }
    // NHN documents no revocation: 501, the token lives on.
    const revoke = await fetch(`${cloud.url}/v2.0/tokens/${access.token.id}`, {
      method: 'DELETE',
      headers: { 'X-Auth-Token': access.token.id },
    });
    expect(revoke.status).toBe(501);
    expect(cloud.isTokenValid(access.token.id)).toBe(true);

    const wrong = await postJson(`${cloud.authUrl}/tokens`, {
      auth: {
        tenantId: cloud.credentials.projectId,
        passwordCredentials: { username: cloud.credentials.username, password: 'x' },
      },
    });
    expect(wrong.status).toBe(401);
  });
});

describe('Neutron networks', () => {
  async function walk(
    firstUrl: string,
    token: string,
  ): Promise<{ items: Network[]; pages: z.infer<typeof networkListSchema>[] }> {
    const items: Network[] = [];
    const pages: z.infer<typeof networkListSchema>[] = [];
    let url: string | undefined = firstUrl;
    while (url) {
      const page = await listNetworks(url, token);
      pages.push(page);
      items.push(...page.networks);
      url = page.networks_links?.find((l) => l.rel === 'next')?.href;
      if (pages.length > 10_000) throw new Error('paging does not end');
    }
    return { items, pages };
  }

  it('pages with limit/marker: walking every next link gives the full list, previous on every page', async () => {
    const cloud = await start({ networkCount: 23 });
    const token = await scopedToken(cloud);
    const base = `${cloud.url}/network/RegionOne/v2.0/networks`;
    const all = await listNetworks(base, token);
    expect(all.networks_links).toBeUndefined();
    expect(all.networks).toHaveLength(24); // 23 + the external network
    const ids = all.networks.map((n) => n.id);
    expect(ids).toEqual([...ids].sort());
    const external = all.networks.filter((n) => n['router:external']);
    expect(external).toHaveLength(1);
    expect(
      all.networks
        .filter((n) => !n['router:external'])
        .every((n) => n.mtu === 1450 && n.project_id === cloud.credentials.projectId),
    ).toBe(true);

    const { items, pages } = await walk(`${base}?limit=5`, token);
    expect(items.map((n) => n.id)).toEqual(ids);
    expect(pages).toHaveLength(5);
    for (const page of pages) expect(page.networks_links?.some((l) => l.rel === 'previous')).toBe(true);
    expect(pages[0]?.networks_links?.find((l) => l.rel === 'next')?.href).toBe(
      `${base}?limit=5&marker=${ids[4]}`,
    );
    expect(pages[0]?.networks_links?.find((l) => l.rel === 'previous')?.href).toBe(
      `${base}?limit=5&marker=${ids[0]}&page_reverse=True`,
    );
    expect(pages.at(-1)?.networks_links?.map((l) => l.rel)).toEqual(['previous']);

    // Exactly N items with limit=N: the next page is empty with only a previous link.
    const exact = await walk(`${base}?limit=24`, token);
    expect(exact.pages).toHaveLength(2);
    expect(exact.pages[1]?.networks).toEqual([]);
    expect(exact.pages[1]?.networks_links?.map((l) => l.rel)).toEqual(['previous']);

    // Walking backwards from the last page through previous links also covers everything.
    const back: Network[] = [];
    let url: string | undefined = `${base}?limit=5&page_reverse=True`;
    while (url) {
      const page = await listNetworks(url, token);
      back.unshift(...page.networks);
      url = page.networks_links?.find((l) => l.rel === 'previous')?.href;
    }
    expect(back.map((n) => n.id)).toEqual(ids);
  });

  it('supports sort_key/sort_dir, name filter and fields, and rejects bad limits and unknown markers', async () => {
    const cloud = await start({ networkCount: 12 });
    const token = await scopedToken(cloud);
    const base = `${cloud.url}/network/RegionOne/v2.0/networks`;
    const sorted = await walk(`${base}?limit=5&sort_key=name&sort_dir=desc`, token);
    const names = sorted.items.map((n) => n.name);
    expect(names).toEqual([...names].sort().reverse());
    expect(names).toHaveLength(13);
    expect(sorted.pages[0]?.networks_links?.[0]?.href).toContain('sort_key=name&sort_dir=desc&marker=');

    const named = await listNetworks(`${base}?name=net-RegionOne-0007`, token);
    expect(named.networks.map((n) => n.name)).toEqual(['net-RegionOne-0007']);
    const fields = await fetch(`${base}?fields=id&fields=name&limit=1`, {
      headers: { 'X-Auth-Token': token },
    });
    const fieldsBody = (await fields.json()) as { networks: Record<string, unknown>[] };
    expect(Object.keys(fieldsBody.networks[0] ?? {})).toEqual(['id', 'name']);

    for (const limit of ['-1', 'abc']) {
      const bad = await fetch(`${base}?limit=${limit}`, { headers: { 'X-Auth-Token': token } });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toBe(
        `{"NeutronError": {"type": "BadRequest", "message": "Bad limit request: Limit must be an integer 0 or greater and not '${limit}'.", "detail": ""}}`,
      );
    }
    const marker = '00000000-0000-4000-a000-000000000000';
    const unknown = await fetch(`${base}?limit=2&marker=${marker}`, { headers: { 'X-Auth-Token': token } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      NeutronError: { type: 'NetworkNotFound', message: `Network ${marker} could not be found.`, detail: '' },
    });
    const zero = await listNetworks(`${base}?limit=0`, token);
    expect(zero.networks).toHaveLength(13);
    expect(zero.networks_links).toBeUndefined();
  });

  it('checks X-Auth-Token like keystonemiddleware and scopes networks by project and region', async () => {
    const cloud = await start({ networkCount: 3 });
    const demo = await scopedToken(cloud);
    const projects = (await (
      await fetch(`${cloud.url}/v3/auth/projects`, { headers: { 'X-Auth-Token': demo } })
    ).json()) as { projects: { id: string; name: string }[] };
    const otherId = projects.projects.find((p) => p.name === 'other')?.id ?? '';
    const other = await scopedToken(cloud, otherId);

    const missing = await fetch(`${cloud.url}/network/RegionOne/v2.0/networks`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe(`Keystone uri="${cloud.url}"`);
    expect(await missing.text()).toBe(
      '{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}',
    );

    const r1 = await listNetworks(`${cloud.url}/network/RegionOne/v2.0/networks`, demo);
    const r2 = await listNetworks(`${cloud.url}/network/RegionTwo/v2.0/networks`, demo);
    const o1 = await listNetworks(`${cloud.url}/network/RegionOne/v2.0/networks`, other);
    const tenantIds = (list: { networks: Network[] }): string[] =>
      list.networks.filter((n) => !n['router:external']).map((n) => n.id);
    expect(tenantIds(r1)).toHaveLength(3);
    expect(tenantIds(r1).some((id) => tenantIds(r2).includes(id))).toBe(false);
    expect(tenantIds(r1).some((id) => tenantIds(o1).includes(id))).toBe(false);
    expect(o1.networks.map((n) => n.name)).toContain('other-net-RegionOne-0001');
    expect(r2.networks.map((n) => n.name)).toContain('net-RegionTwo-0003');

    const unscoped = await issueV3(cloud, passwordAuth(cloud));
    expect(await listNetworks(`${cloud.url}/network/RegionOne/v2.0/networks`, unscoped.token)).toEqual({
      networks: [],
    });

    const one = await fetch(`${cloud.url}/network/RegionOne/v2.0/networks/${tenantIds(r1)[0]}`, {
      headers: { 'X-Auth-Token': demo },
    });
    expect(one.status).toBe(200);
    networkSchema.parse(((await one.json()) as { network: unknown }).network);
    const foreign = await fetch(`${cloud.url}/network/RegionOne/v2.0/networks/${tenantIds(o1)[0]}`, {
      headers: { 'X-Auth-Token': demo },
    });
    expect(foreign.status).toBe(404);
  });

  it('pages 10,000 networks quickly', async () => {
    const startedAt = performance.now();
    const cloud = await start({ networkCount: 10_000 });
    const startupMs = performance.now() - startedAt;
    const token = await scopedToken(cloud);
    const walkStart = performance.now();
    const { items, pages } = await walk(`${cloud.url}/network/RegionOne/v2.0/networks?limit=1000`, token);
    const walkMs = performance.now() - walkStart;
    expect(items).toHaveLength(10_001);
    expect(new Set(items.map((n) => n.id)).size).toBe(10_001);
    expect(pages).toHaveLength(11);
    expect(items.some((n) => n.name === 'net-RegionOne-10000')).toBe(true);
    const pageStart = performance.now();
    const deep = await listNetworks(
      `${cloud.url}/network/RegionOne/v2.0/networks?limit=50&marker=${items[9000]?.id}`,
      token,
    );
    const pageMs = performance.now() - pageStart;
    expect(deep.networks[0]?.id).toBe(items[9001]?.id);
    // Generous bounds: a shared 2-core box runs other suites at the same time.
    expect(startupMs).toBeLessThan(5000);
    expect(walkMs).toBeLessThan(5000);
    expect(pageMs).toBeLessThan(200);
  });
});

describe('faults', () => {
  it('unreachable: the connection closes without an answer', async () => {
    const cloud = await start();
    cloud.setFault({ kind: 'unreachable' });
    await expect(postJson(`${cloud.url}/v3/auth/tokens`, passwordAuth(cloud))).rejects.toThrow(TypeError);
    cloud.setFault(null);
    expect((await issueV3(cloud, passwordAuth(cloud))).response.status).toBe(201);
  });

  it('slow: answers after the delay without holding up other requests', async () => {
    const cloud = await start();
    const token = await scopedToken(cloud);
    cloud.setFault({ kind: 'slow', delayMs: 400 }, 'keystone');
    const slowStart = performance.now();
    const slow = fetch(`${cloud.url}/v3/auth/projects`, { headers: { 'X-Auth-Token': token } }).then((r) => {
      return { status: r.status, ms: performance.now() - slowStart };
    });
    const fastStart = performance.now();
    const fast = await fetch(`${cloud.url}/network/RegionOne/v2.0/networks`, {
      headers: { 'X-Auth-Token': token },
    });
    const fastMs = performance.now() - fastStart;
    expect(fast.status).toBe(200);
    expect(fastMs).toBeLessThan(300);
    const slowResult = await slow;
    expect(slowResult.status).toBe(200);
    expect(slowResult.ms).toBeGreaterThanOrEqual(390);
  });

  it('status: 500 in the service JSON shape, 502/503 as a proxy HTML page', async () => {
    const cloud = await start();
    const token = await scopedToken(cloud);
    cloud.setFault({ kind: 'status', status: 500 }, 'keystone');
    const keystone500 = await postJson(`${cloud.url}/v3/auth/tokens`, passwordAuth(cloud));
    expect(keystone500.status).toBe(500);
    expect(await keystone500.json()).toMatchObject({ error: { code: 500, title: 'Internal Server Error' } });
    // The fault targets Keystone only: Neutron still answers.
    expect(
      (await fetch(`${cloud.url}/network/RegionOne/v2.0/networks`, { headers: { 'X-Auth-Token': token } }))
        .status,
    ).toBe(200);

    cloud.setFault({ kind: 'status', status: 500 }, 'neutron');
    const neutron500 = await fetch(`${cloud.url}/network/RegionOne/v2.0/networks`, {
      headers: { 'X-Auth-Token': token },
    });
    expect(await neutron500.json()).toMatchObject({ NeutronError: { type: 'HTTPInternalServerError' } });

    for (const status of [502, 503]) {
      cloud.setFault({ kind: 'status', status });
      const response = await fetch(`${cloud.url}/v3/auth/projects`, { headers: { 'X-Auth-Token': token } });
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain(`<h1>${status}`);
    }
  });

  it('non-json: 200 with an HTML page', async () => {
    const cloud = await start();
    cloud.setFault({ kind: 'non-json' }, 'all');
    const response = await postJson(`${cloud.url}/v3/auth/tokens`, passwordAuth(cloud));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('rate-limit: 429 with Retry-After on the targeted service', async () => {
    const cloud = await start();
    cloud.setFault({ kind: 'rate-limit', retryAfterSeconds: 17 }, 'neutron');
    const token = await scopedToken(cloud);
    const response = await fetch(`${cloud.url}/network/RegionTwo/v2.0/networks`, {
      headers: { 'X-Auth-Token': token },
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('17');
    expect(cloud.stats.requests).toBe(2);
  });
});

describe('demoCloudsYaml and close', () => {
  it('writes a clouds.yaml entry without the password', async () => {
    const cloud = await start({ profile: 'nhn' });
    const text = demoCloudsYaml(cloud, 'nhn-demo');
    expect(text).not.toContain(cloud.credentials.password);
    const doc = z
      .object({
        clouds: z.record(
          z.string(),
          z.object({
            auth: z.record(z.string(), z.string()),
            region_name: z.string(),
            regions: z.array(z.string()),
            identity_api_version: z.string(),
          }),
        ),
      })
      .parse(parseYaml(text));
    const entry = doc.clouds['nhn-demo'];
    expect(entry?.auth).toEqual({
      auth_url: cloud.authUrl,
      username: cloud.credentials.username,
      project_id: cloud.credentials.projectId,
      project_name: cloud.credentials.projectName,
    });
    expect(entry?.identity_api_version).toBe('2.0');
    expect(entry?.regions).toEqual(['KR1', 'KR2']);

    const v3 = await start();
    const v3Entry = (
      parseYaml(demoCloudsYaml(v3)) as { clouds: Record<string, { auth: Record<string, string> }> }
    ).clouds.demo;
    expect(v3Entry?.auth).toMatchObject({
      auth_url: `${v3.url}/v3`,
      username: 'demo',
      user_domain_name: 'Default',
      project_name: 'demo',
    });
    expect(Object.keys(doc.clouds)).toEqual(['nhn-demo']);
  });

  it('adds the user with a second factor and the application credential (by id), without their secrets', async () => {
    const cloud = await start();
    const text = demoCloudsYaml(cloud);
    const { mfa, applicationCredential } = cloud.credentials;
    for (const secret of [
      cloud.credentials.password,
      mfa!.password,
      mfa!.totpSecret,
      applicationCredential!.secret,
    ])
      expect(text).not.toContain(secret);
    // No YAML anchors: some clouds.yaml readers do not follow aliases.
    expect(text).not.toMatch(/[&*]a\d/);
    const clouds = (parseYaml(text) as { clouds: Record<string, Record<string, unknown>> }).clouds;
    expect(Object.keys(clouds)).toEqual(['demo', 'demo-mfa', 'demo-appcred']);
    expect(clouds['demo-mfa']?.auth).toMatchObject({ username: 'mfa', project_name: 'demo' });
    expect(clouds['demo-appcred']).toMatchObject({
      auth_type: 'v3applicationcredential',
      auth: { auth_url: cloud.authUrl, application_credential_id: applicationCredential!.id },
      regions: ['RegionOne', 'RegionTwo'],
    });
  });

  it('stops listening on close, region ports included', async () => {
    const cloud = await startDemoCloud({ profile: 'vk' });
    const token = await scopedToken(cloud);
    const catalog = await fetchCatalog(cloud, token);
    const regionUrl = networkUrl(catalog, 'ru-msk');
    await cloud.close();
    await expect(fetch(`${cloud.url}/v3`)).rejects.toThrow(TypeError);
    await expect(fetch(regionUrl)).rejects.toThrow(TypeError);
  });

  it('rejects bad options with a readable error', async () => {
    await expect(startDemoCloud({ networkCount: -1 })).rejects.toThrow(/networkCount must be an integer/);
    await expect(startDemoCloud({ profile: 'aws' as never })).rejects.toThrow(/Unknown demo profile "aws"/);
  });
});
