import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { AppConfig } from '../../src/app.js';
import { catalogSchema, type Catalog } from '../../src/contract/catalog.js';
import type { EndpointInterface, IdentityApiVersion } from '../../src/contract/common.js';
import { errorBodySchema } from '../../src/contract/errors.js';
import { networkPageSchema, type Network, type NetworkPage } from '../../src/contract/networks.js';
import { logoutResultSchema, projectListSchema, sessionInfoSchema } from '../../src/contract/session.js';
import { tokenInfoSchema, type TokenInfo } from '../../src/contract/token.js';
import type { CloudConfig } from '../../src/config/clouds-config.js';
import type { DemoFault } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession, type ApiAnswer } from '../support/api-session.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { currentTotp, wrongTotp } from '../support/totp.js';

/**
 * One set of BFF assertions, run against every demo profile (default, vk, ovh, nhn) and against the
 * real lab (Keystone 22 + Neutron 21). A target describes its upstream; the cases only read its
 * capabilities, never its name, so a case that passes here passes for the same reason everywhere.
 *
 * Protocol references: https://docs.openstack.org/api-ref/identity/v3/ (tokens, catalog, projects),
 * https://docs.openstack.org/api-ref/identity/v2/ (v2.0 tokens, NHN),
 * https://docs.openstack.org/api-ref/network/v2/ (networks, pagination via networks_links),
 * https://docs.openstack.org/api-ref/identity/v3/#authenticating-with-an-application-credential,
 * https://docs.openstack.org/keystone/latest/user/multi-factor-authentication.html (auth receipts).
 */

export interface ConformanceUser {
  id: string;
  name: string;
  /** null on Keystone v2.0, which knows no domains. */
  domain: { id: string; name: string } | null;
}

export interface ConformanceProject {
  id: string;
  name: string;
}

/** A running upstream (demo cloud or the lab) and what the suite needs to know about it. */
export interface ConformanceUpstream {
  /** clouds.yaml entries for the BFF. `cloudName` must be among them (and `unscopedCloudName` if set). */
  clouds: CloudConfig[];
  /** A cloud whose defaults sign in scoped to `projects[0]` in `regions[0]`. */
  cloudName: string;
  /** A cloud with no project in its defaults; null where the target has no unscoped + project pick. */
  unscopedCloudName: string | null;
  password: string;
  user: ConformanceUser;
  /** At least two projects the user is a member of; the first is the cloud's default. */
  projects: [ConformanceProject, ConformanceProject];
  regions: string[];
  identityApiVersion: IdentityApiVersion;
  /** Keystone's token lifetime (expires_at - issued_at) in seconds. */
  lifetimeSeconds: number;
  /** The interfaces the catalog lists for each endpoint (NHN: public only). */
  catalogInterfaces: EndpointInterface[];
  /** Network names that must be listed in `region` for projects[0] (a subset of all). */
  expectedNetworkNames(region: string): string[];
  /** Asks the upstream Keystone itself whether the token is still valid. */
  isTokenValid(token: string): Promise<boolean>;
  /**
   * A user whose Keystone multi_factor_auth_rules are [["password","totp"]], member of projects[0]:
   * a cloud entry naming it (scoped to projects[0]), its password and the base32 secret of its
   * totp credential. null where the target has none (Keystone v2.0; profiles that document none).
   */
  secondFactor: {
    cloudName: string;
    password: string;
    totpSecret: string;
    user: { id: string; name: string };
  } | null;
  /**
   * An application credential of `user` on projects[0]: an `auth_type: v3applicationcredential`
   * cloud entry naming it by id, and its secret. null where the target has none.
   */
  applicationCredential: { cloudName: string; id: string; name: string; secret: string } | null;
  /** Demo targets only: switches a fault on (null: off). */
  setFault: ((fault: DemoFault | null, target: 'keystone' | 'neutron' | 'all') => void) | null;
  close(): Promise<void>;
}

export interface ConformanceTarget {
  /** Shown in the describe block: "default profile", "the real lab", ... */
  name: string;
  /** Starts (or attaches to) the upstream. May be called more than once (each a fresh upstream). */
  start(): Promise<ConformanceUpstream>;
  /**
   * `confirmed`: Keystone revokes, the logout reports every token revoked and Keystone agrees.
   * `best-effort`: (Keystone v2.0) the logout never fails and reports honestly what was revoked.
   */
  revocation: 'confirmed' | 'best-effort';
  /** The upstream's own token-creation limit per user per minute (OVH: 60), if it has one. */
  upstreamTokenCreationsPerMinute: number | null;
  /** The upstream timeout the BFF gets in the main app: the lab's Keystone is slower than the demo. */
  upstreamTimeoutMs?: number;
}

/** Upstream timeout of the BFF instance that meets faults: short, so "slow" costs little. */
const faultTimeoutMs = 500;
/** What a fault answer may take beyond the timeout (connection setup, JSON, CSRF round trip). */
const faultSlackMs = 1_500;

export function describeConformance(target: ConformanceTarget): void {
  describe(`BFF conformance: ${target.name}`, () => {
    let upstream: ConformanceUpstream;
    let app: TestApp;
    const cleanups: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      upstream = await target.start();
      cleanups.push(() => upstream.close());
      app = await startTestApp(upstream.clouds, {
        tokenCreationsPerMinute: 1000,
        ...(target.upstreamTimeoutMs ? { upstreamTimeoutMs: target.upstreamTimeoutMs } : {}),
      });
      cleanups.push(() => app.close());
    });
    afterAll(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function extraApp(clouds: CloudConfig[], overrides: Partial<AppConfig>): Promise<TestApp> {
      const extra = await startTestApp(clouds, overrides);
      cleanups.push(() => extra.close());
      return extra;
    }

    async function signIn(body: Record<string, unknown> = {}, on: TestApp = app): Promise<ApiSession> {
      const api = new ApiSession(on.url);
      const answer = await api.post('/api/session', {
        cloud: upstream.cloudName,
        password: upstream.password,
        ...body,
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      expect(sessionInfoSchema.safeParse(answer.body).success).toBe(true);
      return api;
    }

    async function tokenInfoOf(api: ApiSession): Promise<TokenInfo> {
      const answer = await api.get<TokenInfo>('/api/token');
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const parsed = tokenInfoSchema.safeParse(answer.body);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      return answer.body;
    }

    async function secretOf(api: ApiSession): Promise<string> {
      const answer = await api.get('/api/token/secret');
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      return answer.body.token as string;
    }

    async function logout(api: ApiSession): Promise<{ revoked: number; notRevoked: number }> {
      const answer = await api.delete('/api/session');
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(logoutResultSchema.safeParse(answer.body).success).toBe(true);
      expect((await api.get('/api/session')).status).toBe(401);
      return answer.body;
    }

    /** Checks a logout result against the upstream: what is reported revoked is revoked there. */
    async function expectLogoutRevoked(result: { revoked: number; notRevoked: number }, tokens: string[]) {
      expect(result.revoked + result.notRevoked).toBe(tokens.length);
      const validity = await Promise.all(tokens.map((token) => upstream.isTokenValid(token)));
      const stillValid = validity.filter(Boolean).length;
      if (target.revocation === 'confirmed') {
        expect(result).toEqual({ revoked: tokens.length, notRevoked: 0 });
        expect(stillValid).toBe(0);
      } else {
        // v2.0: revocation is best effort; the logout succeeded and told the truth about it.
        expect(stillValid).toBe(result.notRevoked);
      }
    }

    async function walkNetworks(
      api: ApiSession,
      region: string,
      limit: number,
    ): Promise<{ pages: number; networks: Network[] }> {
      const networks: Network[] = [];
      let marker: string | null = null;
      let pages = 0;
      do {
        const path: string = `/api/networks?region=${encodeURIComponent(region)}&limit=${limit}${marker ? `&marker=${encodeURIComponent(marker)}` : ''}`;
        const answer: ApiAnswer<NetworkPage> = await api.get<NetworkPage>(path);
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        expect(networkPageSchema.safeParse(answer.body).success).toBe(true);
        expect(answer.body.networks.length).toBeLessThanOrEqual(limit);
        networks.push(...answer.body.networks);
        marker = answer.body.nextMarker;
        pages += 1;
        expect(pages, 'paging does not end').toBeLessThan(50);
      } while (marker);
      return { pages, networks };
    }

    /**
     * Keystone's own span in whole seconds. v2.0 clouds give `issued_at` with microseconds and
     * `expires` truncated to the second (seed 004), so a 24 h token really spans 86 399.x s: the BFF
     * must still call it 86 400 s, on every token, whatever the sub-second part.
     */
    function expectLifetime(seconds: number): void {
      expect(seconds).toBe(upstream.lifetimeSeconds);
    }

    function expectError(answer: ApiAnswer, status: number, code: string): void {
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect(errorBodySchema.safeParse(answer.body).success, JSON.stringify(answer.body)).toBe(true);
      expect(answer.body).toMatchObject({ error: { code } });
      // No stack trace ever reaches a client.
      expect(JSON.stringify(answer.body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
    }

    function expectRateLimited(answer: ApiAnswer, maxSeconds: number): number {
      expectError(answer, 429, 'rate_limited');
      const header = Number(answer.headers.get('retry-after'));
      expect(Number.isInteger(header)).toBe(true);
      expect(header).toBeGreaterThanOrEqual(1);
      expect(header).toBeLessThanOrEqual(maxSeconds);
      expect((answer.body as { error: { retryAfter?: number } }).error.retryAfter).toBe(header);
      return header;
    }

    // ------------------------------------------------------------------------------------ login

    describe('login', () => {
      it('signs in scoped with the cloud defaults: TokenInfo fields and lifetime', async () => {
        const before = Date.now();
        const api = await signIn();
        const info = await tokenInfoOf(api);
        const after = Date.now();

        expect(info.cloud).toBe(upstream.cloudName);
        expect(info.identityApiVersion).toBe(upstream.identityApiVersion);
        expect(info.regionName).toBe(upstream.regions[0]);
        expect(info.user).toEqual({
          id: upstream.user.id,
          name: upstream.user.name,
          domain: upstream.user.domain,
        });
        expect(info.project).toEqual({
          ...upstream.projects[0],
          domain: upstream.identityApiVersion === '3' ? upstream.user.domain : null,
        });
        expect(info.roles.length).toBeGreaterThan(0);
        if (upstream.identityApiVersion === '3') {
          expect(info.methods).toEqual(['password']);
          expect(info.auditIds).toHaveLength(1);
        }

        // The lifetime is Keystone's own span, anchored at receipt on the BFF's clock.
        expectLifetime(info.lifetimeSeconds);
        const issuedAt = Date.parse(info.issuedAt);
        const expiresAt = Date.parse(info.expiresAt);
        expect(issuedAt).toBeGreaterThanOrEqual(before - 1_000);
        expect(issuedAt).toBeLessThanOrEqual(after + 1_000);
        expect(Math.abs((expiresAt - issuedAt) / 1000 - upstream.lifetimeSeconds)).toBeLessThanOrEqual(1);
        expect(Math.abs(Date.parse(info.serverTime) - after)).toBeLessThan(5_000);
        expect(info.secondsLeft).toBeGreaterThan(upstream.lifetimeSeconds - 30);
        expect(info.secondsLeft).toBeLessThanOrEqual(upstream.lifetimeSeconds);
        for (const iso of [info.issuedAt, info.expiresAt, info.serverTime]) expect(iso).toMatch(/Z$/);

        // The preview tells tokens apart without giving the token away.
        const token = await secretOf(api);
        // The first characters only, never the whole token.
        expect(info.tokenPreview).toBe(`${token.slice(0, 16)}…`);
        expect(token.length).toBeGreaterThan(16);
        expect(await upstream.isTokenValid(token)).toBe(true);
        const session = await api.get('/api/session');
        expect(JSON.stringify(session.body)).not.toContain(token);
        expect(JSON.stringify(session.body)).not.toContain(upstream.password);
        await logout(api);
      });

      it('scopes by project id and by project name', async () => {
        const [first, second] = upstream.projects;
        const byId = await signIn({ projectId: second.id });
        expect((await tokenInfoOf(byId)).project).toMatchObject(second);
        const byName = await signIn({ projectName: first.name });
        expect((await tokenInfoOf(byName)).project).toMatchObject(first);
        await Promise.all([logout(byId), logout(byName)]);
      });

      it('signs in by user id where the identity API allows it (v3)', async () => {
        if (upstream.identityApiVersion !== '3') {
          // Keystone v2.0 passwordCredentials name the user only (https://docs.openstack.org/api-ref/identity/v2/).
          const answer = await new ApiSession(app.url).post('/api/session', {
            cloud: upstream.cloudName,
            password: upstream.password,
            userId: upstream.user.id,
          });
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
          return;
        }
        const api = await signIn({ userId: upstream.user.id, projectId: upstream.projects[0].id });
        expect((await tokenInfoOf(api)).user.id).toBe(upstream.user.id);
        await logout(api);
      });

      it('answers a wrong password with invalid_credentials and keeps no session', async () => {
        const api = new ApiSession(app.url);
        const answer = await api.post('/api/session', {
          cloud: upstream.cloudName,
          password: 'not-the-password',
        });
        expectError(answer, 401, 'invalid_credentials');
        expect((await api.get('/api/session')).body.error.code).toBe('not_authenticated');
      });

      it('signs in unscoped, lists the projects and scopes the session to one (where supported)', async () => {
        if (upstream.unscopedCloudName === null) {
          // v2.0: GET /api/projects has no /v3/auth/projects to ask; it lists the token's own tenant.
          const api = await signIn();
          const projects = await api.get('/api/projects');
          expect(projects.status).toBe(200);
          expect(projects.body.projects.map((project: { id: string }) => project.id)).toEqual([
            upstream.projects[0].id,
          ]);
          await logout(api);
          return;
        }
        const api = new ApiSession(app.url);
        const login = await api.post('/api/session', {
          cloud: upstream.unscopedCloudName,
          password: upstream.password,
        });
        expect(login.status, JSON.stringify(login.body)).toBe(201);
        const unscoped = await tokenInfoOf(api);
        expect(unscoped.project).toBeNull();
        expectLifetime(unscoped.lifetimeSeconds);
        const unscopedToken = await secretOf(api);

        const projects = await api.get('/api/projects');
        expect(projects.status, JSON.stringify(projects.body)).toBe(200);
        expect(projectListSchema.safeParse(projects.body).success).toBe(true);
        const ids = projects.body.projects.map((project: { id: string }) => project.id);
        expect(ids).toEqual(expect.arrayContaining(upstream.projects.map((project) => project.id)));

        const picked = await api.post('/api/session/project', { projectId: upstream.projects[1].id });
        expect(picked.status, JSON.stringify(picked.body)).toBe(200);
        expect(picked.body.project).toMatchObject(upstream.projects[1]);
        const scoped = await tokenInfoOf(api);
        expect(scoped.project).toMatchObject(upstream.projects[1]);
        const catalog = await api.get<Catalog>('/api/catalog');
        expect(catalog.body.regions).toEqual(expect.arrayContaining(upstream.regions));
        const scopedToken = await secretOf(api);

        // Logout revokes the unscoped token too.
        await expectLogoutRevoked(await logout(api), [unscopedToken, scopedToken]);
      });
    });

    // ------------------------------------------------------------------------------------ other sign-in methods

    describe('application credentials and a second factor', () => {
      async function expectNoSession(api: ApiSession): Promise<void> {
        expect((await api.get('/api/session')).body.error.code).toBe('not_authenticated');
      }

      // context.skip() ends the test: these return the target's credential or skip.
      const applicationCredentialOf = (context: TestContext) =>
        upstream.applicationCredential ??
        context.skip('no application credential on this target (Keystone v2.0, or the cloud documents none)');
      const secondFactorOf = (context: TestContext) =>
        upstream.secondFactor ??
        context.skip(
          'no user with a second factor on this target (Keystone v2.0, or the cloud documents none)',
        );

      /** A refused application credential: 401 invalid_credentials naming it, and no session. */
      async function expectApplicationCredentialRefused(login: Record<string, string>): Promise<void> {
        const api = new ApiSession(app.url);
        const answer = await api.post('/api/session', login);
        expectError(answer, 401, 'invalid_credentials');
        expect(answer.body.error.message).toMatch(/application credential/);
        await expectNoSession(api);
      }

      it('signs in with an application credential by id (v2.0: refused): bound to its project, the token names it', async (context) => {
        if (upstream.identityApiVersion !== '3') {
          // Keystone v2.0 has no application credentials: the BFF refuses before asking it.
          const answer = await new ApiSession(app.url).post('/api/session', {
            cloud: upstream.cloudName,
            applicationCredentialId: 'f'.repeat(32),
            applicationCredentialSecret: 'secret',
          });
          expectError(answer, 400, 'invalid_input');
          expect(answer.body.error.fields).toHaveProperty('applicationCredentialSecret');
          return;
        }
        const credential = applicationCredentialOf(context);
        const api = new ApiSession(app.url);
        const login = await api.post('/api/session', {
          cloud: credential.cloudName,
          applicationCredentialSecret: credential.secret,
        });
        expect(login.status, JSON.stringify(login.body)).toBe(201);
        expect(sessionInfoSchema.safeParse(login.body).success).toBe(true);
        expect(login.body.user.id).toBe(upstream.user.id);
        expect(login.body.project).toMatchObject(upstream.projects[0]);
        expect(JSON.stringify(login.body)).not.toContain(credential.secret);

        const info = await tokenInfoOf(api);
        expect(info.methods).toEqual(['application_credential']);
        expect(info.applicationCredential).toEqual({
          id: credential.id,
          name: credential.name,
          restricted: true,
        });
        expect(info.project).toMatchObject(upstream.projects[0]);
        expectLifetime(info.lifetimeSeconds);
        const token = await secretOf(api);
        expect(await upstream.isTokenValid(token)).toBe(true);
        await expectLogoutRevoked(await logout(api), [token]);
      });

      it('answers a wrong application credential secret with invalid_credentials and keeps no session', async (context) => {
        await expectApplicationCredentialRefused({
          cloud: applicationCredentialOf(context).cloudName,
          // Not the secret plus a suffix: Keystone's bcrypt reads only the first 72 bytes of a secret.
          applicationCredentialSecret: 'not-the-secret',
        });
      });

      it('answers an application credential id Keystone does not know (its 404) with invalid_credentials', async (context) => {
        const credential = applicationCredentialOf(context);
        await expectApplicationCredentialRefused({
          cloud: credential.cloudName,
          applicationCredentialId: 'f'.repeat(32),
          applicationCredentialSecret: credential.secret,
        });
      });

      it('a second factor (v2.0: refused): the password alone answers mfa_required, the passcode completes the sign-in', async (context) => {
        if (upstream.identityApiVersion !== '3') {
          // Keystone v2.0 has no totp method: a passcode is refused before Keystone is asked.
          const answer = await new ApiSession(app.url).post('/api/session', {
            cloud: upstream.cloudName,
            password: upstream.password,
            passcode: '123456',
          });
          expectError(answer, 400, 'invalid_input');
          expect(answer.body.error.fields).toHaveProperty('passcode');
          return;
        }
        const mfa = secondFactorOf(context);
        const api = new ApiSession(app.url);
        const first = await api.post('/api/session', { cloud: mfa.cloudName, password: mfa.password });
        expectError(first, 401, 'mfa_required');
        // Keystone's auth receipt stays in the BFF.
        expect(first.headers.get('openstack-auth-receipt')).toBeNull();
        expect(JSON.stringify(first.body)).not.toMatch(/gAAAAA/);
        await expectNoSession(api);

        const second = await api.post('/api/session/mfa', { passcode: await currentTotp(mfa.totpSecret) });
        expect(second.status, JSON.stringify(second.body)).toBe(201);
        expect(sessionInfoSchema.safeParse(second.body).success).toBe(true);
        expect(second.body.user).toMatchObject(mfa.user);
        expect(second.body.project).toMatchObject(upstream.projects[0]);
        expect(second.body.requiresPasscodeForReissue).toBe(true);
        const info = await tokenInfoOf(api);
        expect([...info.methods].sort()).toEqual(['password', 'totp']);
        expect(info.applicationCredential).toBeNull();
        expectLifetime(info.lifetimeSeconds);
        const token = await secretOf(api);
        expect(await upstream.isTokenValid(token)).toBe(true);
        await expectLogoutRevoked(await logout(api), [token]);
      });

      it('a second factor: password and passcode in one request give the token', async (context) => {
        const mfa = secondFactorOf(context);
        const api = new ApiSession(app.url);
        const login = await api.post('/api/session', {
          cloud: mfa.cloudName,
          password: mfa.password,
          passcode: await currentTotp(mfa.totpSecret),
        });
        expect(login.status, JSON.stringify(login.body)).toBe(201);
        expect(login.body.user).toMatchObject(mfa.user);
        expect([...(await tokenInfoOf(api)).methods].sort()).toEqual(['password', 'totp']);
        const token = await secretOf(api);
        expect(await upstream.isTokenValid(token)).toBe(true);
        await expectLogoutRevoked(await logout(api), [token]);
      });

      it('a second factor: a wrong passcode is invalid_credentials at either step and keeps no session', async (context) => {
        const mfa = secondFactorOf(context);
        const oneStep = new ApiSession(app.url);
        const together = await oneStep.post('/api/session', {
          cloud: mfa.cloudName,
          password: mfa.password,
          passcode: wrongTotp(mfa.totpSecret),
        });
        expectError(together, 401, 'invalid_credentials');
        expect(together.body.error.message).toMatch(/passcode/);
        await expectNoSession(oneStep);

        const api = new ApiSession(app.url);
        expectError(
          await api.post('/api/session', { cloud: mfa.cloudName, password: mfa.password }),
          401,
          'mfa_required',
        );
        const wrong = await api.post('/api/session/mfa', { passcode: wrongTotp(mfa.totpSecret) });
        expectError(wrong, 401, 'invalid_credentials');
        expect(wrong.body.error.message).toMatch(/passcode/);
        await expectNoSession(api);
        // The receipt still holds: the right passcode completes the same sign-in.
        const right = await api.post('/api/session/mfa', { passcode: await currentTotp(mfa.totpSecret) });
        expect(right.status, JSON.stringify(right.body)).toBe(201);
        const token = await secretOf(api);
        await expectLogoutRevoked(await logout(api), [token]);
      });
    });

    // ------------------------------------------------------------------------------------ catalog

    describe('catalog', () => {
      it('normalizes the catalog: every region, a network endpoint per region, known interfaces', async () => {
        const api = await signIn();
        const answer = await api.get<Catalog>('/api/catalog');
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        expect(catalogSchema.safeParse(answer.body).success).toBe(true);
        const catalog = answer.body;
        expect([...catalog.regions].sort()).toEqual([...upstream.regions].sort());

        const network = catalog.services.filter((service) => service.type === 'network');
        expect(network).toHaveLength(1);
        for (const region of upstream.regions) {
          const interfaces = network[0]!.endpoints
            .filter((endpoint) => endpoint.region === region)
            .map((e) => e.interface);
          expect(interfaces.sort()).toEqual([...upstream.catalogInterfaces].sort());
        }
        for (const service of catalog.services) {
          expect(service.type).not.toBe('');
          for (const endpoint of service.endpoints) {
            expect(upstream.catalogInterfaces).toContain(endpoint.interface);
            expect(endpoint.url).toMatch(/^https?:\/\/\S+$/);
          }
        }
        expect(catalog.services.some((service) => service.type === 'identity')).toBe(true);
        // Served again from the session: the same answer.
        expect((await api.get<Catalog>('/api/catalog')).body).toEqual(catalog);
        await logout(api);
      });
    });

    // ------------------------------------------------------------------------------------ networks

    describe('networks', () => {
      it('lists networks in every region and pages through them: the pages add up to one big page', async () => {
        const api = await signIn();
        for (const region of upstream.regions) {
          const whole = await api.get<NetworkPage>(
            `/api/networks?region=${encodeURIComponent(region)}&limit=1000`,
          );
          expect(whole.status, JSON.stringify(whole.body)).toBe(200);
          expect(whole.body.nextMarker).toBeNull();
          const names = whole.body.networks.map((network) => network.name);
          expect(names).toEqual(expect.arrayContaining(upstream.expectedNetworkNames(region)));
          expect(whole.body.networks.length).toBeGreaterThan(2);

          const walked = await walkNetworks(api, region, 2);
          expect(walked.pages).toBeGreaterThanOrEqual(2);
          const ids = walked.networks.map((network) => network.id);
          expect(new Set(ids).size, 'no duplicates across pages').toBe(ids.length);
          expect(ids).toEqual(whole.body.networks.map((network) => network.id));
        }
        await logout(api);
      });

      it('the region chosen at sign-in selects the endpoint when the query names none', async () => {
        const last = upstream.regions[upstream.regions.length - 1]!;
        const api = await signIn({ regionName: last });
        expect((await tokenInfoOf(api)).regionName).toBe(last);
        const byDefault = await api.get<NetworkPage>('/api/networks?limit=1000');
        const explicit = await api.get<NetworkPage>(
          `/api/networks?region=${encodeURIComponent(last)}&limit=1000`,
        );
        expect(byDefault.status, JSON.stringify(byDefault.body)).toBe(200);
        expect(byDefault.body.networks.map((n) => n.id)).toEqual(explicit.body.networks.map((n) => n.id));
        expect(byDefault.body.networks.map((n) => n.name)).toEqual(
          expect.arrayContaining(upstream.expectedNetworkNames(last)),
        );
        expectError(await api.get('/api/networks?region=Nowhere'), 404, 'not_found');
        await logout(api);
      });
    });

    // ------------------------------------------------------------------------------------ reissue and revoke

    describe('reissue and revoke', () => {
      it('reissue gives a new token with a fresh lifetime; the earlier one stays valid', async () => {
        const api = await signIn();
        const first = await tokenInfoOf(api);
        const firstToken = await secretOf(api);
        // Keystone's times have a resolution of one second: let the fresh expiry be visibly later.
        await new Promise((resolve) => setTimeout(resolve, 1_100));

        const reissued = await api.post<TokenInfo>('/api/token/reissue', {});
        expect(reissued.status, JSON.stringify(reissued.body)).toBe(200);
        expect(tokenInfoSchema.safeParse(reissued.body).success).toBe(true);
        expect(reissued.body.id).not.toBe(first.id);
        expectLifetime(reissued.body.lifetimeSeconds);
        expect(reissued.body.secondsLeft).toBeGreaterThan(upstream.lifetimeSeconds - 30);
        expect(Date.parse(reissued.body.expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));
        expect(reissued.body.project).toEqual(first.project);
        const secondToken = await secretOf(api);
        expect(secondToken).not.toBe(firstToken);
        expect(await upstream.isTokenValid(firstToken)).toBe(true);
        expect(await upstream.isTokenValid(secondToken)).toBe(true);

        const tokens = (await api.get('/api/tokens')).body.tokens as { id: string; isCurrent: boolean }[];
        expect(tokens.map((token) => [token.id, token.isCurrent])).toEqual([
          [reissued.body.id, true],
          [first.id, false],
        ]);

        await expectLogoutRevoked(await logout(api), [firstToken, secondToken]);
        expect((await api.get('/api/token')).status).toBe(401);
      });
    });

    // ------------------------------------------------------------------------------------ 429

    describe('rate limits', () => {
      it("the BFF's own token budget answers 429 with Retry-After before the cloud is asked", async () => {
        const budgeted = await extraApp(upstream.clouds, { tokenCreationsPerMinute: 2 });
        const sessions = [await signIn({}, budgeted), await signIn({}, budgeted)];
        const third = new ApiSession(budgeted.url);
        const answer = await third.post('/api/session', {
          cloud: upstream.cloudName,
          password: upstream.password,
        });
        expectRateLimited(answer, 60);
        // A reissue spends from the same per-user budget.
        expectRateLimited(await sessions[0]!.post('/api/token/reissue', {}), 60);
        await Promise.all(sessions.map((api) => logout(api)));
      });

      it('an upstream 429 becomes our 429 with its Retry-After (demo: the rate-limit fault)', async (context) => {
        const setFault = upstream.setFault;
        if (!setFault) return context.skip('a real cloud cannot be made to answer 429 on demand');
        const api = await signIn();
        try {
          setFault({ kind: 'rate-limit', retryAfterSeconds: 7 }, 'keystone');
          const login = await new ApiSession(app.url).post('/api/session', {
            cloud: upstream.cloudName,
            password: upstream.password,
          });
          expect(expectRateLimited(login, 60)).toBe(7);
          setFault({ kind: 'rate-limit', retryAfterSeconds: 3 }, 'neutron');
          setFault(null, 'keystone');
          expect(expectRateLimited(await api.get('/api/networks'), 60)).toBe(3);
        } finally {
          setFault(null, 'all');
        }
        expect((await api.get('/api/networks')).status).toBe(200);
        await logout(api);
      });

      it("the cloud's own per-user limit: the token creation past it is our 429", async (context) => {
        const perMinute = target.upstreamTokenCreationsPerMinute;
        if (perMinute === null) return context.skip('this cloud documents no token-creation limit');
        // A fresh upstream, so the minute's count starts at zero.
        const fresh = await target.start();
        cleanups.push(() => fresh.close());
        const roomy = await extraApp(fresh.clouds, { tokenCreationsPerMinute: 1000 });
        const signInOnce = () =>
          new ApiSession(roomy.url).post('/api/session', {
            cloud: fresh.cloudName,
            password: fresh.password,
          });
        for (let done = 0; done < perMinute; done += 10) {
          const batch = await Promise.all(Array.from({ length: Math.min(10, perMinute - done) }, signInOnce));
          for (const answer of batch) expect(answer.status, JSON.stringify(answer.body)).toBe(201);
        }
        expectRateLimited(await signInOnce(), 60);
      });
    });

    // ------------------------------------------------------------------------------------ faults

    describe('upstream faults (demo only)', () => {
      const faults: { name: string; fault: DemoFault; status: number; code: string }[] = [
        { name: 'unreachable', fault: { kind: 'unreachable' }, status: 503, code: 'upstream_unavailable' },
        {
          name: 'slower than the timeout',
          fault: { kind: 'slow', delayMs: 5_000 },
          status: 504,
          code: 'upstream_unavailable',
        },
        { name: 'HTTP 500', fault: { kind: 'status', status: 500 }, status: 502, code: 'upstream_error' },
        { name: 'non-JSON body', fault: { kind: 'non-json' }, status: 502, code: 'upstream_error' },
      ];
      let faultApp: TestApp | null = null;

      for (const { name, fault, status, code } of faults) {
        it(`${name}: sign-in and network list give ${status} ${code} within the timeout`, async (context) => {
          const setFault = upstream.setFault;
          if (!setFault) return context.skip('faults are switched on demo clouds only');
          faultApp ??= await extraApp(upstream.clouds, {
            upstreamTimeoutMs: faultTimeoutMs,
            tokenCreationsPerMinute: 1000,
          });
          const app = faultApp;
          const api = await signIn({}, app);
          const fresh = new ApiSession(app.url);
          await fresh.refreshCsrfToken();
          try {
            setFault(fault, 'keystone');
            let started = performance.now();
            const login = await fresh.post('/api/session', {
              cloud: upstream.cloudName,
              password: upstream.password,
            });
            expect(performance.now() - started).toBeLessThan(faultTimeoutMs + faultSlackMs);
            expectError(login, status, code);

            setFault(null, 'keystone');
            setFault(fault, 'neutron');
            started = performance.now();
            const networks = await api.get('/api/networks');
            expect(performance.now() - started).toBeLessThan(faultTimeoutMs + faultSlackMs);
            expectError(networks, status, code);
          } finally {
            setFault(null, 'all');
          }
          // Recovery: the same session works again once the fault is gone.
          expect((await api.get('/api/networks')).status).toBe(200);
          await logout(api);
        });
      }
    });
  });
}
