import type { DemoProject, ProfileSpec } from './demo-profiles.js';
import { stableHex } from './demo-profiles.js';
import type { NetworkInventory } from './network-inventory.js';
import type { ReceiptRegistry } from './receipt-registry.js';
import type { TokenCreationLimiter, TokenRegistry } from './token-registry.js';

/** A Keystone user of the demo's one domain (spec.domain). */
export interface DemoUser {
  id: string;
  name: string;
  password: string;
  /** Projects where the user holds `member` (and the implied `reader`). */
  projectIds: string[];
  /** Keystone's user option multi_factor_auth_rules: any one inner list of methods is enough. */
  mfaRules: string[][];
  /** The base32 blob of the user's totp credential, if it has one. */
  totpSecret: string | null;
}

/** An application credential as Keystone keeps it (the secret hashed there; in the clear here). */
export interface DemoAppCredential {
  id: string;
  name: string;
  secret: string;
  userId: string;
  projectId: string;
  /** Keystone's default: the credential may not create application credentials or trusts. */
  restricted: boolean;
}

/** Everything the route modules share about one running demo cloud. */
export interface DemoWorld {
  spec: ProfileSpec;
  /** http://127.0.0.1:PORT, the Keystone side. */
  url: string;
  /** The demo user's id (users[0]); Keystone v2.0 knows this user only. */
  userId: string;
  /** users[0] is the demo user (spec.username); the user with a second factor follows, if any. */
  users: DemoUser[];
  applicationCredentials: DemoAppCredential[];
  /** Catalog URL of the network service per region (forms documented in demo-profiles.ts). */
  networkUrls: Map<string, string>;
  roles: { id: string; name: string }[];
  tokenLifetimeSeconds: number;
  registry: TokenRegistry;
  receipts: ReceiptRegistry;
  limiter: TokenCreationLimiter;
  inventory: NetworkInventory;
  /** Catalog entries beyond the profile's own four services, to size a catalog like a real cloud's. */
  extraCatalog: { services: number; regions: string[] };
}

export function findProject(world: DemoWorld, id: string | null): DemoProject | undefined {
  return id === null ? undefined : world.spec.projects.find((p) => p.id === id);
}

export function findUser(world: DemoWorld, id: string): DemoUser | undefined {
  return world.users.find((user) => user.id === id);
}

/** The demo's users and application credential for a profile, with stable ids. */
export function buildDemoIdentities(spec: ProfileSpec): {
  users: DemoUser[];
  applicationCredentials: DemoAppCredential[];
} {
  const { profile, projects } = spec;
  const demo: DemoUser = {
    id: stableHex(`user:${profile}:${spec.username}`),
    name: spec.username,
    password: spec.password,
    projectIds: projects.map((project) => project.id),
    mfaRules: [],
    totpSecret: null,
  };
  const users = [demo];
  if (spec.mfaUser) {
    users.push({
      id: stableHex(`user:${profile}:${spec.mfaUser.username}`),
      name: spec.mfaUser.username,
      password: spec.mfaUser.password,
      projectIds: [projects[0].id],
      mfaRules: [['password', 'totp']],
      totpSecret: spec.mfaUser.totpSecret,
    });
  }
  const applicationCredentials: DemoAppCredential[] = spec.applicationCredential
    ? [
        {
          id: stableHex(`application-credential:${profile}:${spec.applicationCredential.name}`),
          name: spec.applicationCredential.name,
          secret: spec.applicationCredential.secret,
          userId: demo.id,
          projectId: projects[0].id,
          restricted: true,
        },
      ]
    : [];
  return { users, applicationCredentials };
}

interface ServiceDef {
  type: string;
  name: string;
  regions: string[];
  urlFor: (region: string, projectId: string) => string;
}

function serviceDefs(world: DemoWorld): ServiceDef[] {
  const { spec, url } = world;
  const identityRegions = spec.identityRegions === 'all' ? spec.regions : spec.regions.slice(0, 1);
  const identityUrl = spec.servesV3 ? `${url}/v3/` : `${url}/v2.0`;
  const isNhn = spec.isV2CatalogPublicOnly;
  // Nothing listens behind compute and image: like the lab's fake endpoints, they are catalog entries
  // only (the demo server answers them 404).
  return [
    { type: 'identity', name: 'keystone', regions: identityRegions, urlFor: () => identityUrl },
    {
      type: 'network',
      name: 'neutron',
      regions: spec.regions,
      urlFor: (region) => world.networkUrls.get(region) ?? `${url}/network/${region}`,
    },
    {
      type: 'compute',
      name: 'nova',
      regions: spec.regions,
      urlFor: (region, projectId) =>
        isNhn ? `${url}/compute/${region}/v2/${projectId}` : `${url}/compute/${region}/v2.1`,
    },
    { type: 'image', name: 'glance', regions: spec.regions, urlFor: (region) => `${url}/image/${region}` },
    // Nothing listens behind these either: services a real cloud lists (object store, DNS, ...).
    ...Array.from({ length: world.extraCatalog.services }, (_, index) => ({
      type: `extra-${index + 1}`,
      name: `extra-service-${index + 1}`,
      regions: world.extraCatalog.regions,
      urlFor: (region: string, projectId: string) =>
        `https://extra-${index + 1}.${region.toLowerCase()}.cloud.example/v1/AUTH_${projectId}`,
    })),
  ];
}

/** Keystone's order of catalog entries and endpoints varies between tokens (lab): so does ours. */
function shuffled<T>(items: T[]): T[] {
  const copy = items.slice();
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** v3 catalog: https://docs.openstack.org/api-ref/identity/v3/#get-service-catalog */
export function buildV3Catalog(world: DemoWorld, projectId: string): unknown[] {
  return serviceDefs(world).map((service) => ({
    endpoints: shuffled(
      service.regions.flatMap((region) =>
        (['public', 'internal', 'admin'] as const).map((iface) => ({
          id: stableHex(`endpoint:${world.spec.profile}:${service.type}:${region}:${iface}`),
          interface: iface,
          region_id: region,
          url: service.urlFor(region, projectId),
          region,
        })),
      ),
    ),
    id: stableHex(`service:${world.spec.profile}:${service.type}`),
    type: service.type,
    name: service.name,
  }));
}

/**
 * v2.0 serviceCatalog. NHN (seed 004) lists `region` + `publicURL` only and an empty
 * `endpoints_links`; classic Keystone v2.0 also gives internalURL, adminURL and an id.
 */
export function buildV2Catalog(world: DemoWorld, projectId: string): unknown[] {
  return serviceDefs(world).map((service) => ({
    endpoints: service.regions.map((region) => {
      const url = service.urlFor(region, projectId);
      return world.spec.isV2CatalogPublicOnly
        ? { region, publicURL: url }
        : {
            adminURL: url,
            region,
            internalURL: url,
            id: stableHex(`endpoint-v2:${world.spec.profile}:${service.type}:${region}`),
            publicURL: url,
          };
    }),
    endpoints_links: [],
    type: service.type,
    name: service.name,
  }));
}
