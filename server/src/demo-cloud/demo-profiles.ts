import { createHash } from 'node:crypto';

/**
 * The facts each demo profile reproduces. Every vendor quirk the demo cloud shows is declared here,
 * so the route modules only read flags and never test a profile name.
 *
 * Sources: ../../../../shared/seeds (VK 000/001, OVH 002/003, NHN 004) and the real Keystone 22 +
 * Neutron lab (../../../../shared/openstack-lab-notes.md) for the `default` profile.
 *
 * Network endpoint URL forms (the catalog's `url` / `publicURL` for type `network`); they differ on
 * purpose so the BFF's URL joining meets every form seen in the wild:
 *   default  `${url}/network/RegionOne`       path prefix, no trailing slash
 *   ovh      `${url}/network/GRA11/`          path prefix WITH a trailing slash (OVH: `https://network.compute.gra11.cloud.ovh.net/`)
 *   vk       `http://127.0.0.1:PORT/`         bare origin with a trailing slash, one port per region (VK: `https://infra.mail.ru:9696`)
 *   nhn      `http://127.0.0.1:PORT`          bare origin, one port per region (NHN: `https://kr1-api-network-infrastructure.nhncloudservice.com`)
 * None of them contains `/v2.0`: the client appends `/v2.0/networks`. A doubled slash
 * (`.../GRA11//v2.0/networks`) is answered 404, so a naive join is caught by tests.
 */
export type DemoProfile = 'default' | 'vk' | 'ovh' | 'nhn';

export const demoProfiles: readonly DemoProfile[] = ['default', 'vk', 'ovh', 'nhn'];

export function isDemoProfile(value: string): value is DemoProfile {
  return (demoProfiles as readonly string[]).includes(value);
}

export interface DemoDomain {
  id: string;
  name: string;
}

export interface DemoProject {
  id: string;
  name: string;
  description: string;
}

/**
 * A second user whose Keystone option `multi_factor_auth_rules` is [["password", "totp"]], with one
 * totp credential: the lab's user `mfa` (e2e/lab/openstack-lab.sh). Member of projects[0] only.
 * https://docs.openstack.org/keystone/latest/admin/auth-totp.html
 */
export interface DemoMfaUser {
  username: string;
  password: string;
  /** The totp credential's `blob`: base32, public like the demo password (the demo protects nothing). */
  totpSecret: string;
}

/**
 * An application credential of the demo user on projects[0], restricted (Keystone's default), with
 * the user's roles: the lab's `api-access-lab`. Its id is derived from the name (stableHex).
 * https://docs.openstack.org/api-ref/identity/v3/#application-credentials
 */
export interface DemoApplicationCredential {
  name: string;
  /** Public like the demo password. Keystone generates secrets, but also takes one given at creation. */
  secret: string;
}

/** How a profile answers a credentials API: as Keystone 22 does, or with one refusal. */
export type CredentialApiAnswer = 'served' | 403 | 404 | 501;

export interface ProfileSpec {
  profile: DemoProfile;
  regions: string[];
  /** Whether /v3 is served (false for nhn: it answers 404 text/html there, like Keystone 22 does for /v2.0). */
  servesV3: boolean;
  /** Whether /v2.0/tokens is served (nhn, and default so both versions can be tested on one cloud). */
  servesV2: boolean;
  identityApiVersion: '3' | '2.0';
  /** Suffix appended to the cloud's base URL to form the clouds.yaml `auth_url`. */
  authUrlSuffix: '/v3' | '/v3/' | '/v2.0';
  tokenLifetimeSeconds: number;
  tokenCreationsPerMinute: number;
  /** VK: the token body never carries a catalog; /v3/auth/catalog still does (seed 001). */
  isCatalogInTokenBody: boolean;
  /**
   * VK: POST /v3/auth/tokens answers only issued_at, audit_ids, methods, expires_at, user, even when
   * project-scoped (seed 001's 322-byte body). Validation (GET) then gives project and roles.
   */
  isTokenBodyMinimal: boolean;
  /** OVH's sample body carries `is_admin_project: false` (seed 002). */
  hasIsAdminProjectField: boolean;
  /** NHN: v2.0 catalog endpoints carry only `region` + `publicURL` (seed 004). */
  isV2CatalogPublicOnly: boolean;
  /** NHN: the identity service is listed in one region only (seed 004: "the same endpoint in all regions"). */
  identityRegions: 'all' | 'first';
  /** DELETE /v2.0/tokens/{id}: default revokes (204); nhn answers 501 (see keystone-v2-routes.ts). */
  isV2RevokeSupported: boolean;
  networkEndpoint:
    { form: 'path-prefix'; trailingSlash: boolean } | { form: 'origin-per-region'; trailingSlash: boolean };
  /** Neutron MTU of tenant networks: 1450 on the lab's vxlan, 1500 in VK's sample. */
  tenantMtu: number;
  /** VK's Neutron adds `dns_domain`, `private_dns_domain`, `sdn` to each network (seed 000). */
  hasVkNetworkFields: boolean;
  domain: DemoDomain;
  username: string;
  password: string;
  projects: [DemoProject, DemoProject];
  /** null: the cloud documents no Keystone totp method (VK's 2FA guards its web console, not the API). */
  mfaUser: DemoMfaUser | null;
  /** null: the cloud documents no application credentials. */
  applicationCredential: DemoApplicationCredential | null;
  /**
   * The credentials for automation (issue 14): application credentials (v3) and EC2 credentials
   * (v3, and v2.0 where v2.0 is served). None of the seeds documents either API: what each
   * profile answers, and why, is in docs/compatibility.md.
   */
  credentialApis: { applicationCredentials: CredentialApiAnswer; ec2: CredentialApiAnswer };
}

/** The public demo password. It is printed and shown on the login page: it protects nothing. */
const demoPassword = 'demo-pass';

/** Public as well: `npm run demo-cloud -- --totp` prints the passcode it gives now. */
const demoTotpSecret = 'APIACCESSDEMOMFAUSERTOTPSECRET23';

export function describeProfile(profile: DemoProfile): ProfileSpec {
  switch (profile) {
    case 'default':
      // Mirrors the real lab: user demo/demo-pass in domain Default, projects demo and other.
      return {
        profile,
        regions: ['RegionOne', 'RegionTwo'],
        servesV3: true,
        servesV2: true,
        identityApiVersion: '3',
        authUrlSuffix: '/v3',
        tokenLifetimeSeconds: 3600,
        tokenCreationsPerMinute: Number.POSITIVE_INFINITY,
        isCatalogInTokenBody: true,
        isTokenBodyMinimal: false,
        hasIsAdminProjectField: false,
        isV2CatalogPublicOnly: false,
        identityRegions: 'all',
        isV2RevokeSupported: true,
        networkEndpoint: { form: 'path-prefix', trailingSlash: false },
        tenantMtu: 1450,
        hasVkNetworkFields: false,
        domain: { id: 'default', name: 'Default' },
        username: 'demo',
        password: demoPassword,
        projects: [
          { id: projectIdFor(profile, 'demo'), name: 'demo', description: 'Demo project' },
          { id: projectIdFor(profile, 'other'), name: 'other', description: 'A second project to switch to' },
        ],
        // As in the lab: user mfa / mfa-pass with a second factor, and demo's application credential.
        mfaUser: { username: 'mfa', password: 'mfa-pass', totpSecret: demoTotpSecret },
        credentialApis: { applicationCredentials: 'served', ec2: 'served' },
        applicationCredential: { name: 'api-access-demo', secret: 'demo-app-cred-secret' },
      };
    case 'vk':
      // Seeds 000/001: 1 h tokens, no catalog in the token body, domain "users" addressed by id,
      // e-mail user names, `region` accepted inside scope.project. The seeds name no regions; these
      // two names are the demo's own choice.
      return {
        profile,
        regions: ['ru-msk', 'ru-kz'],
        servesV3: true,
        servesV2: false,
        identityApiVersion: '3',
        authUrlSuffix: '/v3',
        tokenLifetimeSeconds: 3600,
        tokenCreationsPerMinute: Number.POSITIVE_INFINITY,
        isCatalogInTokenBody: false,
        isTokenBodyMinimal: true,
        hasIsAdminProjectField: false,
        isV2CatalogPublicOnly: false,
        identityRegions: 'all',
        isV2RevokeSupported: false,
        networkEndpoint: { form: 'origin-per-region', trailingSlash: true },
        tenantMtu: 1500,
        hasVkNetworkFields: true,
        domain: { id: 'users', name: 'users' },
        username: 'demo@example.com',
        password: demoPassword,
        projects: [
          { id: projectIdFor(profile, 'mcs0000000001'), name: 'mcs0000000001', description: 'Demo project' },
          {
            id: projectIdFor(profile, 'mcs0000000002'),
            name: 'mcs0000000002',
            description: 'A second project',
          },
        ],
        mfaUser: null,
        credentialApis: { applicationCredentials: 403, ec2: 404 },
        applicationCredential: null,
      };
    case 'ovh':
      // Seeds 002/003: 24 h tokens, auth URL `https://auth.cloud.ovh.net/v3/` (trailing slash; the
      // guide then writes `${OS_AUTH_URL}auth/tokens`), 60 token creations per minute per user.
      return {
        profile,
        regions: ['GRA11', 'SBG5', 'BHS5'],
        servesV3: true,
        servesV2: false,
        identityApiVersion: '3',
        authUrlSuffix: '/v3/',
        tokenLifetimeSeconds: 86_400,
        tokenCreationsPerMinute: 60,
        isCatalogInTokenBody: true,
        isTokenBodyMinimal: false,
        hasIsAdminProjectField: true,
        isV2CatalogPublicOnly: false,
        identityRegions: 'all',
        isV2RevokeSupported: false,
        networkEndpoint: { form: 'path-prefix', trailingSlash: true },
        tenantMtu: 1450,
        hasVkNetworkFields: false,
        domain: { id: 'default', name: 'Default' },
        username: 'user-DemoAbCd1234',
        password: demoPassword,
        projects: [
          {
            id: projectIdFor(profile, '1234567890123456'),
            name: '1234567890123456',
            description: 'Demo project',
          },
          {
            id: projectIdFor(profile, '6543210987654321'),
            name: '6543210987654321',
            description: 'A second project',
          },
        ],
        mfaUser: null,
        credentialApis: { applicationCredentials: 'served', ec2: 'served' },
        applicationCredential: null,
      };
    case 'nhn':
      // Seed 004: v2.0 only, tenantId + passwordCredentials, issued_at without a time zone,
      // publicURL-only catalog, regions KR1/KR2, identity listed in KR1 only.
      return {
        profile,
        regions: ['KR1', 'KR2'],
        servesV3: false,
        servesV2: true,
        identityApiVersion: '2.0',
        authUrlSuffix: '/v2.0',
        tokenLifetimeSeconds: 86_400,
        tokenCreationsPerMinute: Number.POSITIVE_INFINITY,
        isCatalogInTokenBody: true,
        isTokenBodyMinimal: false,
        hasIsAdminProjectField: false,
        isV2CatalogPublicOnly: true,
        identityRegions: 'first',
        isV2RevokeSupported: false,
        networkEndpoint: { form: 'origin-per-region', trailingSlash: false },
        tenantMtu: 1450,
        hasVkNetworkFields: false,
        // v2.0 has no domains; Keystone maps v2.0 users to the default domain.
        domain: { id: 'default', name: 'Default' },
        username: 'demo@example.com',
        password: demoPassword,
        projects: [
          { id: projectIdFor(profile, 'c_DemoProj1'), name: 'c_DemoProj1', description: '' },
          { id: projectIdFor(profile, 'c_DemoProj2'), name: 'c_DemoProj2', description: '' },
        ],
        mfaUser: null,
        credentialApis: { applicationCredentials: 404, ec2: 'served' },
        applicationCredential: null,
      };
  }
}

function projectIdFor(profile: DemoProfile, name: string): string {
  return stableHex(`project:${profile}:${name}`);
}

/** Stable 32-hex ids (Keystone's uuid4().hex form) so a restarted demo cloud keeps its project ids. */
export function stableHex(seed: string, length = 32): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/** A UUID-shaped stable id, as Neutron uses for networks and subnets. */
export function stableUuid(seed: string): string {
  return uuidFromHex(stableHex(seed, 32));
}

/** Formats 32 hex chars as a version-4-looking UUID. */
export function uuidFromHex(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
