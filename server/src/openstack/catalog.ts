import { z } from 'zod';
import type { Catalog, CatalogService } from '../contract/catalog.js';
import type { EndpointInterface } from '../contract/common.js';
import { selectEndpoint } from '../contract/endpoint-selection.js';
import { NotFoundError, UpstreamError } from '../platform/errors.js';

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

/**
 * What a catalog kept in a session may hold. The catalog lives in every session record (and is
 * sent to the browser), so a Keystone that answers a huge one would fill the store. Real catalogs
 * stay far below (a large public cloud: ~30 services, ~40 regions, 3 interfaces, ~500 KiB): a
 * catalog past any bound is refused as upstream_error (502) rather than trimmed, since a trimmed
 * catalog would silently lack the endpoint the operator is looking for.
 */
export const catalogLimits = {
  services: 500,
  endpoints: 10_000,
  /** type, name, region and URL of each entry, in characters. */
  fieldLength: 2048,
  /** The normalized catalog as JSON. */
  bytes: 2 * 1024 * 1024,
} as const;

function checkCatalogBounds(services: CatalogService[]): void {
  const refuse = (what: string) =>
    new UpstreamError(
      `Keystone answered a service catalog with ${what}; API Access keeps at most ${catalogLimits.services} services, ` +
        `${catalogLimits.endpoints} endpoints and ${catalogLimits.bytes / 1024} KiB per session.`,
    );
  if (services.length > catalogLimits.services) throw refuse(`${services.length} services`);
  let endpoints = 0;
  let bytes = 0;
  for (const service of services) {
    endpoints += service.endpoints.length;
    if (endpoints > catalogLimits.endpoints) throw refuse(`more than ${catalogLimits.endpoints} endpoints`);
    const fields = [service.type, service.name, ...service.endpoints.flatMap((e) => [e.url, e.region ?? ''])];
    if (fields.some((field) => field.length > catalogLimits.fieldLength))
      throw refuse(`a name or URL longer than ${catalogLimits.fieldLength} characters`);
    // Close to the JSON size: the fields plus ~60 characters of keys and quotes per endpoint.
    bytes += fields.reduce((sum, field) => sum + Buffer.byteLength(field), 0) + 60 * service.endpoints.length;
  }
  if (bytes > catalogLimits.bytes) throw refuse(`about ${Math.round(bytes / 1024)} KiB`);
}

function buildCatalog(services: CatalogService[]): Catalog {
  checkCatalogBounds(services);
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
 * The URL of a service by type for a region and an interface, by the rule the SPA uses too
 * (contract/endpoint-selection.ts); 404 when the catalog has none.
 */
export function pickEndpoint(
  catalog: Catalog,
  type: string,
  region: string | null,
  iface: EndpointInterface = 'public',
): string {
  const match = selectEndpoint(catalog, type, region, iface);
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
