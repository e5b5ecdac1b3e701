import type { SessionHandle } from '../../auth/auth-state.js';
import type { AuthServices } from '../../auth/create-auth-services.js';
import type { NetworkPage, NetworksQuery } from '../../contract/networks.js';
import { pickEndpoint } from '../../openstack/catalog.js';
import { listNetworks, NeutronUnauthorizedError } from '../../openstack/neutron.js';

export const DEFAULT_NETWORK_PAGE_SIZE = 100;

export class NetworksService {
  constructor(
    private readonly auth: AuthServices,
    private readonly upstreamTimeoutMs: number,
  ) {}

  /**
   * One page of networks from the Neutron endpoint the catalog names for the region and
   * interface asked (the session's region and `public` by default).
   */
  async listNetworks(session: SessionHandle, query: NetworksQuery): Promise<NetworkPage> {
    const catalog = await this.auth.catalog.read(session);
    return this.auth.access.withToken(
      session,
      (error) => error instanceof NeutronUnauthorizedError,
      (token, auth) => {
        const region = query.region ?? auth.regionName;
        const endpoint = pickEndpoint(catalog, 'network', region, query.interface ?? 'public');
        return listNetworks(endpoint, token, {
          limit: query.limit ?? DEFAULT_NETWORK_PAGE_SIZE,
          marker: query.marker,
          name: query.name,
          sortKey: query.sortKey,
          sortDir: query.sortDir,
          timeoutMs: this.upstreamTimeoutMs,
        });
      },
    );
  }
}
