import type { DemoProject, ProfileSpec } from './demo-profiles.js';
import { stableHex } from './demo-profiles.js';
import type { NetworkInventory } from './network-inventory.js';
import type { TokenCreationLimiter, TokenRegistry } from './token-registry.js';

/** Everything the route modules share about one running demo cloud. */
export interface DemoWorld {
  spec: ProfileSpec;
  /** http://127.0.0.1:PORT, the Keystone side. */
  url: string;
  userId: string;
  /** Catalog URL of the network service per region (forms documented in demo-profiles.ts). */
  networkUrls: Map<string, string>;
  roles: { id: string; name: string }[];
  tokenLifetimeSeconds: number;
  registry: TokenRegistry;
  limiter: TokenCreationLimiter;
  inventory: NetworkInventory;
}

export function findProject(world: DemoWorld, id: string | null): DemoProject | undefined {
  return id === null ? undefined : world.spec.projects.find((p) => p.id === id);
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
