import { z } from 'zod';
import type { Catalog, CatalogService } from '../contract/catalog.js';
import type { EndpointInterface } from '../contract/common.js';
import { NotFoundError } from '../platform/errors.js';

/**
 * Service catalogs arrive in two shapes:
 *  - v3 (https://docs.openstack.org/api-ref/identity/v3/#password-authentication-with-scoped-authorization):
 *    `{type, name, endpoints: [{interface, region_id, region, url}]}` — `region` is the legacy name of region_id;
 *  - v2.0 (NHN Cloud): `{type, name, endpoints: [{region, publicURL, internalURL?, adminURL?}]}`.
 * Both are normalized to one endpoint per interface; endpoints with empty URLs are dropped.
 */
const v3EndpointSchema = z.object({
  interface: z.string(),
  region_id: z.string().nullish(),
  region: z.string().nullish(),
  url: z.string().nullish(),
});
export const v3CatalogSchema = z.array(
  z.object({ type: z.string(), name: z.string().nullish(), endpoints: z.array(v3EndpointSchema) }),
);

const v2EndpointSchema = z.object({
  region: z.string().nullish(),
  publicURL: z.string().nullish(),
  internalURL: z.string().nullish(),
  adminURL: z.string().nullish(),
});
export const v2CatalogSchema = z.array(
  z.object({ type: z.string(), name: z.string().nullish(), endpoints: z.array(v2EndpointSchema) }),
);

const interfaces: readonly EndpointInterface[] = ['public', 'internal', 'admin'];

function isInterface(value: string): value is EndpointInterface {
  return (interfaces as readonly string[]).includes(value);
}

export function normalizeV3Catalog(raw: z.infer<typeof v3CatalogSchema>): Catalog {
  return buildCatalog(
    raw.map((service) => ({
      type: service.type,
      name: service.name ?? service.type,
      endpoints: service.endpoints.flatMap((endpoint) => {
        const iface = endpoint.interface.toLowerCase();
        if (!isInterface(iface) || !endpoint.url) return [];
        return [
          { interface: iface, region: endpoint.region_id ?? endpoint.region ?? null, url: endpoint.url },
        ];
      }),
    })),
  );
}

export function normalizeV2Catalog(raw: z.infer<typeof v2CatalogSchema>): Catalog {
  return buildCatalog(
    raw.map((service) => ({
      type: service.type,
      name: service.name ?? service.type,
      endpoints: service.endpoints.flatMap((endpoint) =>
        (
          [
            ['public', endpoint.publicURL],
            ['internal', endpoint.internalURL],
            ['admin', endpoint.adminURL],
          ] as const
        ).flatMap(([iface, url]) =>
          url ? [{ interface: iface, region: endpoint.region ?? null, url }] : [],
        ),
      ),
    })),
  );
}

function buildCatalog(services: CatalogService[]): Catalog {
  const sorted = services
    .filter((service) => service.endpoints.length > 0)
    .map((service) => ({
      ...service,
      endpoints: [...service.endpoints].sort(
        (a, b) =>
          (a.region ?? '').localeCompare(b.region ?? '') ||
          interfaces.indexOf(a.interface) - interfaces.indexOf(b.interface),
      ),
    }))
    .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  const regions = [
    ...new Set(sorted.flatMap((service) => service.endpoints.flatMap((e) => (e.region ? [e.region] : [])))),
  ].sort();
  return { services: sorted, regions };
}

/**
 * The URL of a service by type (never by name: names differ between clouds) for a region and an
 * interface. Without a region the first endpoint of that interface is used (single-region clouds).
 */
export function pickEndpoint(
  catalog: Catalog,
  type: string,
  region: string | null,
  iface: EndpointInterface = 'public',
): string {
  const endpoints = catalog.services.filter((service) => service.type === type).flatMap((s) => s.endpoints);
  const match = endpoints.find((e) => e.interface === iface && (region === null || e.region === region));
  if (!match) {
    const where = region ? ` in region ${region}` : '';
    throw new NotFoundError(`The catalog has no ${iface} ${type} endpoint${where}.`);
  }
  return match.url;
}

/**
 * Joins an API path to a catalog URL without doubling a slash or a version already in the
 * catalog (some clouds publish `https://network.example/`, others `https://network.example/v2.0`).
 */
export function joinEndpointUrl(base: string, apiPath: string): string {
  const trimmedBase = base.replace(/\/+$/, '');
  let pathPart = apiPath.startsWith('/') ? apiPath : `/${apiPath}`;
  const version = /^\/(v\d+(?:\.\d+)?)(?=\/|$)/.exec(pathPart)?.[1];
  if (version && trimmedBase.endsWith(`/${version}`)) pathPart = pathPart.slice(version.length + 1);
  return `${trimmedBase}${pathPart}`;
}
