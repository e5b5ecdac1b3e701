import type { NetworkPage, NetworksQuery } from '../../contract/networks.js';
import type { EndpointInterface } from '../../contract/common.js';
import { allowedInterfacesOf, type CloudRegistry } from '../../config/clouds-config.js';
import { pickEndpoint } from '../../openstack/catalog.js';
import { listNetworks, NeutronUnauthorizedError } from '../../openstack/neutron.js';
import { InvalidInputError, NotAuthenticatedError } from '../../platform/errors.js';
import type { SessionHandle } from '../../auth/auth-state.js';
import type { SessionService } from '../session/session-service.js';

export const DEFAULT_NETWORK_PAGE_SIZE = 100;

export class NetworksService {
  constructor(
    private readonly sessions: SessionService,
    private readonly upstreamTimeoutMs: number,
    private readonly clouds: CloudRegistry,
  ) {}

  /**
   * One page of networks from the Neutron endpoint the catalog names for the region and
   * interface asked (the session's region and the cloud's clouds.yaml `interface` by default).
   */
  async listNetworks(session: SessionHandle, query: NetworksQuery): Promise<NetworkPage> {
    // Checked before anything reaches Keystone or Neutron.
    const iface = this.allowedInterface(this.sessions.sessionInfo(session).cloud, query.interface);
    const catalog = await this.sessions.catalog(session);
    return this.sessions.withToken(
      session,
      (error) => error instanceof NeutronUnauthorizedError,
      (token, auth) => {
        const region = query.region ?? auth.regionName;
        const endpoint = pickEndpoint(catalog, 'network', region, iface);
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

  /**
   * The interface to call: the one asked for if the cloud's configuration allows it, else 400.
   * The catalog lists internal and admin endpoints to every token holder; the BFF, which often
   * sits inside the network those endpoints live on, calls only what clouds.yaml allows.
   */
  private allowedInterface(cloudName: string, asked: EndpointInterface | undefined): EndpointInterface {
    const cloud = this.clouds.find(cloudName);
    if (!cloud) throw new NotAuthenticatedError('This cloud is no longer configured. Sign in again.');
    const allowed = allowedInterfacesOf(cloud);
    if (asked === undefined) return cloud.interface;
    if (allowed.includes(asked)) return asked;
    throw new InvalidInputError(
      `The ${asked} interface is not available on ${cloud.name}: this deployment allows ${allowed.join(', ')} ` +
        '(set in clouds.yaml under api_access.interfaces).',
      { interface: `is not allowed on this cloud (allowed: ${allowed.join(', ')})` },
    );
  }
}
