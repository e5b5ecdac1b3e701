import { infiniteQueryOptions } from '@tanstack/react-query';
import type { EndpointInterface } from '@contract/common';
import { networkPageSchema, type NetworksQuery } from '@contract/networks';
import { apiClient } from '../../lib/api-client';
import { sessionRootKey } from '../../lib/query-client';

export type NetworkSortKey = NonNullable<NetworksQuery['sortKey']>;
export type SortDir = NonNullable<NetworksQuery['sortDir']>;

export interface NetworkFilters {
  name: string;
  sortKey: NetworkSortKey;
  sortDir: SortDir;
}

export const networksPageSize = 200;

export function buildNetworksPath(
  region: string,
  iface: EndpointInterface,
  filters: NetworkFilters,
  marker: string | null,
): string {
  const params = new URLSearchParams({
    region,
    interface: iface,
    limit: String(networksPageSize),
    sortKey: filters.sortKey,
    sortDir: filters.sortDir,
  });
  if (filters.name) params.set('name', filters.name);
  if (marker) params.set('marker', marker);
  return `/api/networks?${params.toString()}`;
}

/** Pages follow Neutron's marker pagination (https://docs.openstack.org/api-ref/network/v2/#pagination). */
export const networksInfiniteQueryOptions = (
  region: string,
  iface: EndpointInterface,
  filters: NetworkFilters,
) =>
  infiniteQueryOptions({
    queryKey: [...sessionRootKey, 'networks', region, iface, filters],
    queryFn: ({ pageParam, signal }) =>
      apiClient.get(buildNetworksPath(region, iface, filters, pageParam), networkPageSchema, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextMarker,
  });
