import { queryOptions } from '@tanstack/react-query';
import { catalogSchema, type Catalog } from '@contract/catalog';
import type { EndpointInterface } from '@contract/common';
import { apiClient } from '../../lib/api-client';

export const catalogQueryOptions = () =>
  queryOptions({
    queryKey: ['catalog'],
    queryFn: ({ signal }) => apiClient.get('/api/catalog', catalogSchema, signal),
    staleTime: 5 * 60_000,
  });

/** The URL of one service type's endpoint in a region and interface, if the catalog has it. */
export function findEndpointUrl(
  catalog: Catalog,
  serviceType: string,
  region: string | null,
  iface: EndpointInterface,
): string | undefined {
  for (const service of catalog.services) {
    if (service.type !== serviceType) continue;
    const endpoint = service.endpoints.find(
      (e) => e.interface === iface && (region === null || e.region === region),
    );
    if (endpoint) return endpoint.url;
  }
  return undefined;
}

/** Regions that have at least one endpoint of this service type. */
export function listRegionsWithService(catalog: Catalog, serviceType: string): string[] {
  const regions = new Set<string>();
  for (const service of catalog.services) {
    if (service.type !== serviceType) continue;
    for (const endpoint of service.endpoints) if (endpoint.region) regions.add(endpoint.region);
  }
  return catalog.regions
    .filter((r) => regions.has(r))
    .concat([...regions].filter((r) => !catalog.regions.includes(r)));
}
