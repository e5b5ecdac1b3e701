import { z } from 'zod';
import type { LabFederation } from '../../../server/test/support/lab-facts.js';
import { idpAccounts, type IdpAccount } from '../idp/idp-accounts.js';
import { callOpenStack, issueToken, runInLanes } from './call-openstack.js';

/**
 * The federation's Keystone objects (e2e/lab/federation-lab.sh runs that Keystone on :5100), over
 * the REST API, idempotent (looked up first, created or updated):
 *
 * - domain `labidp-users`: the identity provider's domain, where Keystone keeps the shadow users
 *   (a domain named `federated` is refused: the name is reserved by [federation] federated_domain_name);
 * - groups `fed-users`, `fed-ops` (domain Default) with role member on projects `fed-demo`, `fed-ops`;
 * - identity provider `labidp` (remote_ids = the IdP's issuer), mapping `labidp_mapping`, protocol `openid`.
 *
 * https://docs.openstack.org/keystone/latest/admin/federation/configure_federation.html
 * https://docs.openstack.org/api-ref/identity/v3-ext/#os-federation-api
 */

export const federationIdentityProvider = 'labidp';
export const federationProtocol = 'openid';
export const federationMapping = 'labidp_mapping';
export const federationCloud = 'lab-sso';
export const federationDomain = 'labidp-users';
/** The IdP client allowed the password grant (lab-idp.ts). */
export const federationCliClientId = 'openstack-cli';

/** IdP group (the `groups` claim) -> Keystone group (domain Default) -> the project it is member on. */
const groupRules = [
  { idpGroup: 'cloud-users', keystoneGroup: 'fed-users', project: 'fed-demo' },
  { idpGroup: 'cloud-ops', keystoneGroup: 'fed-ops', project: 'fed-ops' },
] as const;

type FederationProject = (typeof groupRules)[number]['project'];

/**
 * The mapping: OIDC-* are the WSGI environment variables mod_auth_openidc sets from the ID token,
 * userinfo or the introspection answer (OIDCClaimPrefix "OIDC-", OIDCPassClaimsAs environment);
 * multi-valued claims arrive joined with ";", which the mapping engine splits. Rules are merged: a
 * user in both IdP groups (bob) gets both Keystone groups; a user matching no rule gets 401.
 * The first rule also makes the ephemeral user (name = sub); the issuer is pinned in each rule.
 * https://docs.openstack.org/keystone/latest/admin/federation/mapping_combinations.html
 */
export function federationMappingRules(issuer: string) {
  const [users, ...others] = groupRules;
  return [
    {
      local: [
        { user: { name: '{0}', email: '{1}', type: 'ephemeral' } },
        { group: { name: users.keystoneGroup, domain: { id: 'default' } } },
      ],
      remote: [
        { type: 'OIDC-sub' },
        { type: 'OIDC-email' },
        { type: 'OIDC-iss', any_one_of: [issuer] },
        { type: 'OIDC-groups', any_one_of: [users.idpGroup] },
      ],
    },
    ...others.map((rule) => ({
      local: [{ group: { name: rule.keystoneGroup, domain: { id: 'default' } } }],
      remote: [
        { type: 'OIDC-iss', any_one_of: [issuer] },
        { type: 'OIDC-groups', any_one_of: [rule.idpGroup] },
      ],
    })),
  ];
}

/** Which projects the mapping gives an IdP user: none unless the first rule (cloud-users) matches. */
export function projectsOf(account: IdpAccount): FederationProject[] {
  if (!account.groups.includes(groupRules[0].idpGroup)) return [];
  return groupRules.filter((rule) => account.groups.includes(rule.idpGroup)).map((rule) => rule.project);
}

const named = z.object({ id: z.string(), name: z.string() });
const withId = z.object({ id: z.string() });

export interface FederationSeedOptions {
  keystoneUrl: string;
  idpUrl: string;
  adminPassword: string;
  trustedDashboards: string[];
  cliClientSecret: string;
}

export async function seedFederation(options: FederationSeedOptions): Promise<LabFederation> {
  const { keystoneUrl, idpUrl } = options;
  const v3 = `${keystoneUrl}/v3`;
  const token = await issueToken(keystoneUrl, {
    user: 'admin',
    password: options.adminPassword,
    project: 'admin',
    service: 'federation',
  });
  const keystone = { service: 'federation', token } as const;
  const get = <T>(path: string, schema: z.ZodType<T>) =>
    callOpenStack('GET', `${v3}${path}`, { ...keystone, expect: [200], schema }).then(
      (answer) => answer.body,
    );
  const send = (method: string, path: string, json: unknown, expect: number[]) =>
    callOpenStack(method, `${v3}${path}`, { ...keystone, json, expect, schema: z.unknown() });

  // Lists, not GET by id: Keystone logs a 404 as an ERROR with a traceback.
  const [domains, groups, projects, roles, identityProviders, mappings] = await Promise.all([
    get(`/domains?name=${federationDomain}`, z.object({ domains: z.array(named) })),
    get('/groups?domain_id=default', z.object({ groups: z.array(named) })),
    get('/projects?domain_id=default', z.object({ projects: z.array(named) })),
    get('/roles?name=member', z.object({ roles: z.array(named) })),
    get('/OS-FEDERATION/identity_providers', z.object({ identity_providers: z.array(withId) })),
    get('/OS-FEDERATION/mappings', z.object({ mappings: z.array(withId) })),
  ]);
  const memberRoleId = roles.roles.find((role) => role.name === 'member')?.id;
  if (!memberRoleId) throw new Error('role member is missing (keystone-manage bootstrap creates it)');

  const domainId =
    domains.domains[0]?.id ??
    (
      await callOpenStack('POST', `${v3}/domains`, {
        ...keystone,
        json: { domain: { name: federationDomain, description: 'Shadow users of the lab IdP' } },
        expect: [201],
        schema: z.object({ domain: named }),
      })
    ).body.domain.id;

  const groupIds: Record<string, string> = {};
  const projectIds: Record<string, string> = {};
  await runInLanes(groupRules, 2, async (rule) => {
    groupIds[rule.keystoneGroup] =
      groups.groups.find((group) => group.name === rule.keystoneGroup)?.id ??
      (
        await callOpenStack('POST', `${v3}/groups`, {
          ...keystone,
          json: {
            group: {
              name: rule.keystoneGroup,
              domain_id: 'default',
              description: `Lab IdP group ${rule.idpGroup}`,
            },
          },
          expect: [201],
          schema: z.object({ group: named }),
        })
      ).body.group.id;
    projectIds[rule.project] =
      projects.projects.find((project) => project.name === rule.project)?.id ??
      (
        await callOpenStack('POST', `${v3}/projects`, {
          ...keystone,
          json: { project: { name: rule.project, domain_id: 'default', enabled: true } },
          expect: [201],
          schema: z.object({ project: named }),
        })
      ).body.project.id;
    // https://docs.openstack.org/api-ref/identity/v3/#assign-role-to-group-on-project (204 even if there)
    await callOpenStack(
      'PUT',
      `${v3}/projects/${projectIds[rule.project]}/groups/${groupIds[rule.keystoneGroup]}/roles/${memberRoleId}`,
      { ...keystone, expect: [204] },
    );
  });

  // The mapping before the protocol that names it. PATCH keeps a reseed in line with the code.
  const rules = federationMappingRules(idpUrl);
  if (mappings.mappings.some((mapping) => mapping.id === federationMapping)) {
    await send('PATCH', `/OS-FEDERATION/mappings/${federationMapping}`, { mapping: { rules } }, [200]);
  } else {
    await send('PUT', `/OS-FEDERATION/mappings/${federationMapping}`, { mapping: { rules } }, [201]);
  }

  // remote_ids: what Keystone compares with OIDC-iss ([openid] remote_id_attribute).
  // authorization_ttl: Keystone keeps the group memberships a sign-in mapped for that many minutes.
  // Without it a federated user holds roles only inside a token, and Keystone refuses them an
  // application credential ("Could not find role assignment"): the CLI path API Access offers them.
  // https://docs.openstack.org/keystone/latest/admin/federation/configure_federation.html#create-an-identity-provider
  const idpPath = `/OS-FEDERATION/identity_providers/${federationIdentityProvider}`;
  const authorizationTtlMinutes = 12 * 60;
  if (identityProviders.identity_providers.some((idp) => idp.id === federationIdentityProvider)) {
    await send(
      'PATCH',
      idpPath,
      {
        identity_provider: {
          enabled: true,
          remote_ids: [idpUrl],
          authorization_ttl: authorizationTtlMinutes,
        },
      },
      [200],
    );
  } else {
    await send(
      'PUT',
      idpPath,
      {
        identity_provider: {
          enabled: true,
          remote_ids: [idpUrl],
          authorization_ttl: authorizationTtlMinutes,
          domain_id: domainId,
          description: 'The lab OpenID Connect provider (e2e/lab/idp/lab-idp.ts)',
        },
      },
      [201],
    );
  }
  const protocols = await get(`${idpPath}/protocols`, z.object({ protocols: z.array(withId) }));
  const protocol = { protocol: { mapping_id: federationMapping } };
  if (protocols.protocols.some((p) => p.id === federationProtocol)) {
    await send('PATCH', `${idpPath}/protocols/${federationProtocol}`, protocol, [200]);
  } else {
    await send('PUT', `${idpPath}/protocols/${federationProtocol}`, protocol, [201]);
  }

  const user = (account: IdpAccount) => ({
    name: account.name,
    password: account.password,
    groups: [...account.groups],
    projects: projectsOf(account),
  });
  const project = (name: FederationProject) => ({ id: projectIds[name] as string, name });
  return {
    keystoneUrl,
    idpUrl,
    identityProvider: federationIdentityProvider,
    protocol: federationProtocol,
    cloud: federationCloud,
    trustedDashboards: options.trustedDashboards,
    cliClient: { id: federationCliClientId, secret: options.cliClientSecret },
    users: { alice: user(idpAccounts.alice), bob: user(idpAccounts.bob), carol: user(idpAccounts.carol) },
    projects: { 'fed-demo': project('fed-demo'), 'fed-ops': project('fed-ops') },
  };
}
