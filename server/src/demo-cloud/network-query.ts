import { formatSecondsZ } from './demo-http.js';
import type { DemoNetwork, NeutronErrorResult } from './network-inventory.js';

// Neutron's list semantics for the inventory: filters, field selection, sort keys, paging links.

export interface SortSpec {
  key: string;
  isAsc: boolean;
}

export function visibilityKey(region: string, projectId: string): string {
  return `${region}\n${projectId}`;
}

export function compareBy(sorts: SortSpec[]): (a: DemoNetwork, b: DemoNetwork) => number {
  return (a, b) => {
    for (const { key, isAsc } of sorts) {
      const x = a[key] as string | number | boolean;
      const y = b[key] as string | number | boolean;
      if (x < y) return isAsc ? -1 : 1;
      if (x > y) return isAsc ? 1 : -1;
    }
    return 0;
  };
}

export function matchesFilter(value: unknown, wanted: string[]): boolean {
  return wanted.some((w) => {
    if (typeof value === 'boolean') return w.toLowerCase() === String(value);
    return String(value) === w;
  });
}

export function pickFields(network: DemoNetwork, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (field in network) out[field] = network[field];
  return out;
}

/**
 * Neutron's api_common.get_pagination_links: `next` unless (short page and forward), `previous`
 * unless (short page and reverse). Links keep every other query parameter, in order, and put
 * `marker` (and `page_reverse=True` for previous) last, as observed in the lab.
 */
export function paginationLinks(
  query: URLSearchParams,
  page: DemoNetwork[],
  limit: number,
  isPageReverse: boolean,
  linkBase: string,
): { rel: string; href: string }[] {
  const links: { rel: string; href: string }[] = [];
  const isShort = page.length < limit;
  const kept = [...query.entries()].filter(([k]) => k !== 'marker' && k !== 'page_reverse');
  if (!(isShort && !isPageReverse)) {
    const params = new URLSearchParams(kept);
    const last = page.at(-1);
    if (last) params.append('marker', last.id);
    links.push({ rel: 'next', href: `${linkBase}?${params.toString()}` });
  }
  if (!(isShort && isPageReverse)) {
    const params = new URLSearchParams(kept);
    const first = page[0];
    if (first) params.append('marker', first.id);
    params.append('page_reverse', 'True');
    links.push({ rel: 'previous', href: `${linkBase}?${params.toString()}` });
  }
  return links;
}

export function badRequest(type: string, message: string): NeutronErrorResult {
  return { status: 400, error: { type, message } };
}

export function buildNetwork(input: {
  id: string;
  name: string;
  projectId: string;
  description: string;
  mtu: number;
  isExternal: boolean;
  subnetId: string;
  createdAtMs: number;
  hasVkNetworkFields: boolean;
}): DemoNetwork {
  const created = formatSecondsZ(input.createdAtMs);
  // Field set and order of a real Neutron 21 network as seen by a member (provider:* hidden).
  const network: DemoNetwork = {
    id: input.id,
    name: input.name,
    tenant_id: input.projectId,
    admin_state_up: true,
    mtu: input.mtu,
    status: 'ACTIVE',
    subnets: [input.subnetId],
    shared: false,
    availability_zone_hints: [],
    availability_zones: ['nova'],
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    'router:external': input.isExternal,
    description: input.description,
    port_security_enabled: true,
    is_default: false,
    tags: [],
    created_at: created,
    updated_at: formatSecondsZ(input.createdAtMs + 2000),
    revision_number: 2,
    project_id: input.projectId,
  };
  if (input.hasVkNetworkFields) {
    // Seed 000's sample network carries these VK-specific attributes.
    network.dns_domain = null;
    network.private_dns_domain = 'mcs.local.';
    network.sdn = 'neutron';
  }
  return network;
}
