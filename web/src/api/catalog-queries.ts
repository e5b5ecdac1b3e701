import { queryOptions } from '@tanstack/react-query';
import { catalogSchema, type Catalog } from '@contract/catalog';
import { apiClient } from '../lib/api-client';
import { sessionRootKey } from '../lib/query-client';

/** The session token's service catalog: it changes with the project, so it belongs to the session. */
export const catalogQueryOptions = () =>
  queryOptions({
    queryKey: [...sessionRootKey, 'catalog'],
    queryFn: ({ signal }) => apiClient.get('/api/catalog', catalogSchema, signal),
    staleTime: 5 * 60_000,
  });

/** Regions that have at least one endpoint of this service type: the catalog's order, then the rest. */
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
