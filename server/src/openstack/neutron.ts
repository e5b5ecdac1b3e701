import { z } from 'zod';
import type { Network, NetworkPage } from '../contract/networks.js';
import { ForbiddenError, InvalidInputError, NotFoundError, UpstreamError } from '../platform/errors.js';
import { joinEndpointUrl } from './catalog.js';
import { openstackFetch, parseUpstream, upstreamMessage } from './openstack-fetch.js';

/**
 * Neutron networks. API reference: https://docs.openstack.org/api-ref/network/v2/#list-networks
 * Paging follows Neutron's own `networks_links` (rel=next carries the marker); Neutron gives no
 * total count, and a full last page still gets a `next` link that leads to an empty page.
 */

/** Neutron refused the token (401): the caller may renew it once and retry once. */
export class NeutronUnauthorizedError extends Error {}

const neutronNetworkSchema = z.object({
  id: z.string(),
  name: z.string().nullish(),
  status: z.string().nullish(),
  admin_state_up: z.boolean().nullish(),
  shared: z.boolean().nullish(),
  'router:external': z.boolean().nullish(),
  mtu: z.number().int().nullish(),
  subnets: z.array(z.string()).nullish(),
  project_id: z.string().nullish(),
  tenant_id: z.string().nullish(),
  availability_zones: z.array(z.string()).nullish(),
  description: z.string().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});

const networkListSchema = z.object({
  networks: z.array(neutronNetworkSchema),
  networks_links: z.array(z.object({ rel: z.string(), href: z.string() })).nullish(),
});

export interface ListNetworksOptions {
  limit: number;
  marker?: string | undefined;
  name?: string | undefined;
  sortKey?: string | undefined;
  sortDir?: 'asc' | 'desc' | undefined;
  timeoutMs: number;
}

export function toNetwork(raw: z.infer<typeof neutronNetworkSchema>): Network {
  return {
    id: raw.id,
    name: raw.name ?? '',
    status: raw.status ?? 'UNKNOWN',
    adminStateUp: raw.admin_state_up ?? true,
    shared: raw.shared ?? false,
    external: raw['router:external'] ?? false,
    mtu: raw.mtu ?? null,
    subnets: raw.subnets ?? [],
    projectId: raw.project_id ?? raw.tenant_id ?? null,
    availabilityZones: raw.availability_zones ?? [],
    description: raw.description ?? '',
    createdAt: raw.created_at ?? null,
    updatedAt: raw.updated_at ?? null,
  };
}

/** The marker of Neutron's rel=next link, or null when there is no next page. */
export function nextMarkerFromLinks(
  links: { rel: string; href: string }[] | null | undefined,
): string | null {
  const next = links?.find((link) => link.rel === 'next');
  if (!next) return null;
  try {
    return new URL(next.href).searchParams.get('marker');
  } catch {
    return null;
  }
}

export async function listNetworks(
  endpointUrl: string,
  token: string,
  options: ListNetworksOptions,
): Promise<NetworkPage> {
  const url = new URL(joinEndpointUrl(endpointUrl, '/v2.0/networks'));
  url.searchParams.set('limit', String(options.limit));
  if (options.marker) url.searchParams.set('marker', options.marker);
  if (options.name) url.searchParams.set('name', options.name);
  if (options.sortKey) {
    url.searchParams.set('sort_key', options.sortKey);
    url.searchParams.set('sort_dir', options.sortDir ?? 'asc');
  }
  const response = await openstackFetch(url.toString(), {
    service: 'Neutron',
    headers: { 'X-Auth-Token': token },
    timeoutMs: options.timeoutMs,
  });
  const detail = upstreamMessage(response.body);
  switch (response.status) {
    case 200:
      break;
    case 401:
      throw new NeutronUnauthorizedError('Neutron refused the token');
    case 400:
      throw new InvalidInputError(`Neutron rejected the query${detail ? `: ${detail}` : '.'}`);
    case 403:
      throw new ForbiddenError(detail ?? 'Neutron forbids listing networks.');
    case 404:
      throw new NotFoundError(detail ?? 'Neutron found no such page (unknown marker).');
    default:
      throw new UpstreamError(`Neutron answered the network list with HTTP ${response.status}.`);
  }
  const body = parseUpstream(networkListSchema, response.body, 'Neutron', 'the network list');
  const networks = body.networks.map(toNetwork);
  if (networks.length > options.limit) return pageIgnoredLimit(networks, options);
  // A short page is the last one whatever the links say.
  const nextMarker = networks.length < options.limit ? null : nextMarkerFromLinks(body.networks_links);
  return { networks, nextMarker };
}

/**
 * More networks than the limit asked for: this Neutron does not paginate (pagination can be
 * switched off, https://docs.openstack.org/api-ref/network/v2/#pagination, and a proxy may drop
 * the query), so it ignored `marker` too and sent its whole list, in its own order. Page it here,
 * so the page size the browser asked for holds whatever Neutron does. The marker is an id of that
 * list; one that is not in it is not_found, as Neutron itself answers an unknown marker.
 */
export function pageIgnoredLimit(
  networks: Network[],
  options: Pick<ListNetworksOptions, 'limit' | 'marker'>,
): NetworkPage {
  let start = 0;
  if (options.marker) {
    const index = networks.findIndex((network) => network.id === options.marker);
    if (index === -1) throw new NotFoundError(`Network ${options.marker} could not be found.`);
    start = index + 1;
  }
  const page = networks.slice(start, start + options.limit);
  const hasMore = start + options.limit < networks.length;
  return { networks: page, nextMarker: hasMore && page.length > 0 ? page.at(-1)!.id : null };
}
