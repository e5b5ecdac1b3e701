import { stableHex, stableUuid, uuidFromHex } from './demo-profiles.js';

import {
  badRequest,
  buildNetwork,
  compareBy,
  matchesFilter,
  paginationLinks,
  pickFields,
  visibilityKey,
  type SortSpec,
} from './network-query.js';
/**
 * Neutron's network collection for the demo cloud, precomputed once and kept sorted by id (Neutron's
 * default order), so paging 10,000 networks costs O(limit) per page.
 *
 * Paging semantics copy Neutron (lab notes; https://docs.openstack.org/api-ref/network/v2/#pagination):
 * `limit` + `marker` (an id), `page_reverse`, `sort_key`/`sort_dir` (id appended as tie-breaker),
 * `networks_links` with `next` whenever the page is full and `previous` on every page (also the first),
 * `limit=0` or no limit = everything without links.
 */

export type DemoNetwork = Record<string, unknown> & { id: string; name: string };

export interface NeutronErrorResult {
  status: number;
  error: { type: string; message: string };
}

export type ListResult = { status: 200; body: Record<string, unknown> } | NeutronErrorResult;

export interface InventoryOptions {
  profile: string;
  regions: string[];
  projects: { id: string; name: string }[];
  networkCount: number;
  tenantMtu: number;
  hasVkNetworkFields: boolean;
}

const reservedParams = new Set(['limit', 'marker', 'page_reverse', 'sort_key', 'sort_dir', 'fields']);
const filterableFields = new Set([
  'id',
  'name',
  'status',
  'shared',
  'router:external',
  'admin_state_up',
  'project_id',
  'tenant_id',
  'mtu',
  'description',
]);
const sortableFields = new Set([
  'id',
  'name',
  'status',
  'shared',
  'admin_state_up',
  'project_id',
  'tenant_id',
  'mtu',
  'description',
  'created_at',
  'updated_at',
]);

/** A fixed epoch so a restarted demo cloud shows the same timestamps. */
const createdEpochMs = Date.parse('2026-01-05T09:00:00Z');

export class NetworkInventory {
  /** `${region}\n${projectId}` -> visible networks sorted by id. */
  readonly #visible = new Map<string, DemoNetwork[]>();
  readonly #indexById = new Map<string, Map<string, number>>();
  readonly #sortedCache = new Map<string, DemoNetwork[]>();
  readonly adminProjectId: string;

  constructor(options: InventoryOptions) {
    this.adminProjectId = stableHex(`project:${options.profile}:admin`);
    const digits = Math.max(4, String(options.networkCount).length);
    for (const region of options.regions) {
      const external = buildNetwork({
        id: stableUuid(`net:${options.profile}:${region}:external`),
        name: 'public',
        projectId: this.adminProjectId,
        description: `External network of ${region}`,
        mtu: 1500,
        isExternal: true,
        subnetId: stableUuid(`subnet:${options.profile}:${region}:external`),
        createdAtMs: createdEpochMs,
        hasVkNetworkFields: options.hasVkNetworkFields,
      });
      options.projects.forEach((project, projectIndex) => {
        const prefix = projectIndex === 0 ? '' : `${project.name}-`;
        const networks: DemoNetwork[] = [external];
        for (let i = 1; i <= options.networkCount; i += 1) {
          // One digest gives both ids: startup hashes 40,000+ networks for the benchmarks.
          const hex = stableHex(`net:${options.profile}:${region}:${project.id}:${i}`, 64);
          networks.push(
            buildNetwork({
              id: uuidFromHex(hex.slice(0, 32)),
              name: `${prefix}net-${region}-${String(i).padStart(digits, '0')}`,
              projectId: project.id,
              description: i % 3 === 0 ? `Demo network ${i} of ${project.name} in ${region}` : '',
              mtu: options.tenantMtu,
              isExternal: false,
              subnetId: uuidFromHex(hex.slice(32, 64)),
              createdAtMs: createdEpochMs + i * 60_000,
              hasVkNetworkFields: options.hasVkNetworkFields,
            }),
          );
        }
        networks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const key = visibilityKey(region, project.id);
        this.#visible.set(key, networks);
        this.#indexById.set(key, new Map(networks.map((n, index) => [n.id, index])));
      });
    }
  }

  /**
   * What a token scoped to `projectId` sees in `region`: its own networks plus the external one
   * (visible to every project because of `router:external`, as in the lab). An unscoped token
   * sees nothing (Neutron answers 200 `{"networks": []}` to it).
   */
  visible(region: string, projectId: string | null): DemoNetwork[] {
    if (projectId === null) return [];
    return this.#visible.get(visibilityKey(region, projectId)) ?? [];
  }

  find(region: string, projectId: string | null, id: string): DemoNetwork | undefined {
    if (projectId === null) return undefined;
    const key = visibilityKey(region, projectId);
    const index = this.#indexById.get(key)?.get(id);
    return index === undefined ? undefined : this.#visible.get(key)?.[index];
  }

  /** GET /v2.0/networks with Neutron's query semantics. `linkBase` is the absolute collection URL. */
  list(region: string, projectId: string | null, query: URLSearchParams, linkBase: string): ListResult {
    const limitText = query.get('limit');
    let limit = 0;
    if (limitText !== null) {
      if (!/^\d+$/.test(limitText.trim())) {
        return badRequest(
          'BadRequest',
          `Bad limit request: Limit must be an integer 0 or greater and not '${limitText}'.`,
        );
      }
      limit = Number.parseInt(limitText, 10);
    }
    const sortKeys = query.getAll('sort_key');
    const sortDirs = query.getAll('sort_dir');
    if (sortKeys.length !== sortDirs.length) {
      return badRequest('HTTPBadRequest', 'The number of sort_keys and sort_dirs must be same');
    }
    const sorts: SortSpec[] = [];
    for (const [i, key] of sortKeys.entries()) {
      const dir = sortDirs[i] ?? 'asc';
      if (!sortableFields.has(key))
        return badRequest('HTTPBadRequest', `${key} is invalid attribute for sort_key`);
      if (dir !== 'asc' && dir !== 'desc')
        return badRequest('HTTPBadRequest', `${dir} is invalid attribute for sort_dir`);
      sorts.push({ key, isAsc: dir === 'asc' });
    }
    if (!sorts.some((s) => s.key === 'id')) sorts.push({ key: 'id', isAsc: true });

    const filters: [string, string[]][] = [];
    for (const key of new Set(query.keys())) {
      if (reservedParams.has(key)) continue;
      if (!filterableFields.has(key))
        return badRequest('HTTPBadRequest', `[${key}] is invalid attribute for filtering`);
      filters.push([key, query.getAll(key)]);
    }

    const all = this.#sorted(region, projectId, sorts);
    const markerId = query.get('marker');
    const isPageReverse = (query.get('page_reverse') ?? 'False').toLowerCase() === 'true';
    let markerIndex: number | null = null;
    if (markerId !== null && limit > 0) {
      const marker = this.find(region, projectId, markerId);
      if (!marker)
        return {
          status: 404,
          error: { type: 'NetworkNotFound', message: `Network ${markerId} could not be found.` },
        };
      markerIndex = all.indexOf(marker);
    }

    const matches = (n: DemoNetwork): boolean =>
      filters.every(([key, values]) => matchesFilter(n[key], values));
    let page: DemoNetwork[];
    if (limit === 0) {
      page = filters.length === 0 ? all : all.filter(matches);
    } else if (!isPageReverse) {
      page = [];
      for (
        let i = markerIndex === null ? 0 : markerIndex + 1;
        i < all.length && page.length < limit;
        i += 1
      ) {
        const n = all[i] as DemoNetwork;
        if (matches(n)) page.push(n);
      }
    } else {
      page = [];
      for (
        let i = markerIndex === null ? all.length - 1 : markerIndex - 1;
        i >= 0 && page.length < limit;
        i -= 1
      ) {
        const n = all[i] as DemoNetwork;
        if (matches(n)) page.push(n);
      }
      page.reverse();
    }

    const fields = query.getAll('fields');
    const body: Record<string, unknown> = {
      networks: fields.length === 0 ? page : page.map((n) => pickFields(n, fields)),
    };
    if (limit > 0) body.networks_links = paginationLinks(query, page, limit, isPageReverse, linkBase);
    return { status: 200, body };
  }

  #sorted(region: string, projectId: string | null, sorts: SortSpec[]): DemoNetwork[] {
    const base = this.visible(region, projectId);
    if (sorts.length === 1 && sorts[0]?.key === 'id' && sorts[0].isAsc) return base;
    const cacheKey = `${region}\n${projectId}\n${sorts.map((s) => `${s.key}:${s.isAsc}`).join(',')}`;
    let sorted = this.#sortedCache.get(cacheKey);
    if (!sorted) {
      sorted = base.slice().sort(compareBy(sorts));
      if (this.#sortedCache.size > 64) this.#sortedCache.clear();
      this.#sortedCache.set(cacheKey, sorted);
    }
    return sorted;
  }
}
