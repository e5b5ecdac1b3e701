import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  federationOf,
  isTokenValid,
  obtainFederatedToken,
  requestFederatedToken,
  walkWebSso,
  type FederatedUserName,
} from '../support/federation.js';
import { readLabFacts, resolveLabDir } from '../support/lab-facts.js';

/**
 * The lab's federation (issue 17, e2e/lab/federation-lab.sh) as a non-browser can prove it: the
 * federation's Keystone 22 behind mod_auth_openidc, the lab IdP, the mapping from the IdP's
 * `groups` claim to Keystone groups and projects, WebSSO walked request by request, and that the
 * lab listens on nothing but its ports.
 * https://docs.openstack.org/keystone/latest/admin/federation/configure_federation.html
 * https://docs.openstack.org/keystone/latest/admin/federation/mapping_combinations.html
 */
const lab = readLabFacts();
const hasFederation = lab.federation !== undefined;

describe.skipIf(!hasFederation)('the lab federation (Keystone WebSSO over OpenID Connect)', () => {
  const federation = hasFederation ? federationOf(lab) : (undefined as never);
  const v3 = hasFederation ? `${federation.keystoneUrl}/v3` : '';

  beforeAll(async () => {
    const answer = await fetch(`${v3}`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    if (answer?.status !== 200) {
      throw new Error(`The federation's Keystone does not answer at ${v3}. Run: npm run lab -- start`);
    }
  });

  async function tokenBody(token: string) {
    const answer = await fetch(`${v3}/auth/tokens?nocatalog`, {
      headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
    });
    expect(answer.status).toBe(200);
    return (
      (await answer.json()) as {
        token: {
          methods: string[];
          user: { name: string; domain: { name: string }; 'OS-FEDERATION': Record<string, { id: string }> };
          project?: unknown;
        };
      }
    ).token;
  }

  async function projectNames(token: string): Promise<string[]> {
    // https://docs.openstack.org/api-ref/identity/v3/#get-available-project-scopes
    const answer = await fetch(`${v3}/auth/projects`, { headers: { 'X-Auth-Token': token } });
    expect(answer.status).toBe(200);
    const { projects } = (await answer.json()) as { projects: { name: string }[] };
    return projects.map((project) => project.name).sort();
  }

  it.each(['alice', 'bob'] as const)(
    "gives %s an unscoped federated token listing the projects of the IdP user's groups",
    async (name: FederatedUserName) => {
      const token = await obtainFederatedToken(lab, name);
      expect(await isTokenValid(lab, token)).toBe(true);
      const body = await tokenBody(token);
      expect(body.methods).toEqual([federation.protocol]);
      expect(body.project).toBeUndefined();
      expect(body.user.name).toBe(name);
      expect(body.user.domain.name).toBe('labidp-users');
      expect(body.user['OS-FEDERATION']?.identity_provider?.id).toBe(federation.identityProvider);
      expect(body.user['OS-FEDERATION']?.protocol?.id).toBe(federation.protocol);
      expect(await projectNames(token)).toEqual([...federation.users[name].projects].sort());
    },
  );

  it('lists alice in fed-demo only and bob in fed-demo and fed-ops (lab.json says the same)', () => {
    expect(federation.users.alice.projects).toEqual(['fed-demo']);
    expect([...federation.users.bob.projects].sort()).toEqual(['fed-demo', 'fed-ops']);
    expect(federation.users.carol.projects).toEqual([]);
  });

  it('refuses carol, whose groups no mapping rule knows, with 401 and no token', async () => {
    const answer = await requestFederatedToken(lab, 'carol');
    expect(answer.status).toBe(401);
    expect(answer.token).toBeUndefined();
  });

  it('refuses a bearer token the IdP never issued (introspection says inactive)', async () => {
    const answer = await fetch(
      `${v3}/OS-FEDERATION/identity_providers/${federation.identityProvider}/protocols/${federation.protocol}/auth`,
      { method: 'POST', headers: { Authorization: 'Bearer not-a-token-of-the-lab-idp' } },
    );
    expect(answer.status).toBe(401);
    expect(answer.headers.get('x-subject-token')).toBeNull();
  });

  it("rescopes alice's token to fed-demo (201, member, the federation's catalog) but not to fed-ops", async () => {
    const token = await obtainFederatedToken(lab, 'alice');
    const rescope = (projectId: string) =>
      // https://docs.openstack.org/api-ref/identity/v3/#token-authentication-with-scoped-authorization
      fetch(`${v3}/auth/tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          auth: {
            identity: { methods: ['token'], token: { id: token } },
            scope: { project: { id: projectId } },
          },
        }),
      });
    const scoped = await rescope(federation.projects['fed-demo'].id);
    expect(scoped.status).toBe(201);
    expect(scoped.headers.get('x-subject-token')).toBeTruthy();
    const { token: body } = (await scoped.json()) as {
      token: {
        project: { name: string };
        roles: { name: string }[];
        catalog: { type: string; endpoints: { interface: string; url: string; region: string }[] }[];
      };
    };
    expect(body.project.name).toBe('fed-demo');
    expect(body.roles.map((role) => role.name)).toContain('member');
    const identity = body.catalog.find((service) => service.type === 'identity');
    expect(identity?.endpoints).toContainEqual(
      expect.objectContaining({ interface: 'public', region: 'RegionOne', url: `${v3}/` }),
    );
    expect((await rescope(federation.projects['fed-ops'].id)).status).toBe(401);
  });

  it('walks WebSSO for alice to the trusted dashboard: the IdP login form, then a form POSTing a valid token', async () => {
    const origin = federation.trustedDashboards[0] as string;
    const answer = await walkWebSso(lab, 'alice', origin);
    expect(answer.hops[0]).toMatch(/^302 GET .*\/websso$/);
    expect(answer.hops.some((hop) => /^200 GET .*\/interaction\//.test(hop))).toBe(true);
    expect(answer.status).toBe(200);
    expect(answer.callbackUrl).toBe(origin);
    expect(await isTokenValid(lab, answer.token as string)).toBe(true);
  });

  it('refuses WebSSO to an origin that is not a trusted dashboard, and carol even to a trusted one (401)', async () => {
    const untrusted = await walkWebSso(lab, 'alice', 'http://127.0.0.1:9/not-a-dashboard');
    expect(untrusted.status).toBe(401);
    expect(untrusted.token).toBeUndefined();
    const carol = await walkWebSso(lab, 'carol', federation.trustedDashboards[0] as string);
    expect(carol.status).toBe(401);
    expect(carol.token).toBeUndefined();
  });

  it('answers a fetch-like request to the WebSSO URL with 401, never a redirect (a top-level navigation is needed)', async () => {
    // Node's fetch always sends Sec-Fetch-Mode: cors; mod_auth_openidc redirects navigations only.
    const answer = await fetch(
      `${v3}/auth/OS-FEDERATION/identity_providers/${federation.identityProvider}/protocols/${federation.protocol}` +
        `/websso?origin=${encodeURIComponent(federation.trustedDashboards[0] as string)}`,
      { redirect: 'manual', headers: { Accept: 'text/html' } },
    );
    expect(answer.status).toBe(401);
  });

  it('listens on 127.0.0.1:5100, :5101 and :5103 only (no Apache default site, nothing on other ports)', () => {
    let listing: string;
    try {
      listing = execFileSync('ss', ['-Hltnp'], { encoding: 'utf8' });
    } catch {
      return; // no ss (iproute2) here: nothing to look at
    }
    const runDir = path.join(resolveLabDir(), 'run');
    const groups = ['federation-apache.pid', 'federation-idp.pid'].map((file) =>
      fs.readFileSync(path.join(runDir, file), 'utf8').trim(),
    );
    const processGroupOf = (pid: string) => {
      try {
        return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[2];
      } catch {
        return undefined;
      }
    };
    const ours = new Set<string>();
    for (const line of listing.split('\n')) {
      const local = line.trim().split(/\s+/)[3];
      const pids = [...line.matchAll(/pid=(\d+)/g)].map((match) => match[1] as string);
      const isOurs = pids.some((pid) => groups.includes(processGroupOf(pid) ?? '')) || /"apache2"/.test(line);
      if (local && isOurs) ours.add(local);
    }
    expect([...ours].sort()).toEqual(['127.0.0.1:5100', '127.0.0.1:5101', '127.0.0.1:5103']);
  });
});
