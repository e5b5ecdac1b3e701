import type { Catalog, CatalogEndpoint } from './catalog.js';
import type { EndpointInterface } from './common.js';

/**
 * The one rule for which catalog endpoint serves a service, shared by the BFF (the URL it calls)
 * and the SPA (the URL it shows in snippets), so the two never disagree:
 *  - by service type, never by name (names differ between clouds);
 *  - the endpoint of the asked interface (`public` unless said otherwise);
 *  - in the asked region, or, without a region, the first endpoint of that interface (single-region
 *    clouds); the first in catalog order when several services share the type.
 * Undefined when the catalog has none: the caller decides what that means (404, no snippet).
 */
export function selectEndpoint(
  catalog: Catalog,
  serviceType: string,
  region: string | null,
  iface: EndpointInterface = 'public',
): CatalogEndpoint | undefined {
  return catalog.services
    .filter((service) => service.type === serviceType)
    .flatMap((service) => service.endpoints)
    .find((endpoint) => endpoint.interface === iface && (region === null || endpoint.region === region));
}
