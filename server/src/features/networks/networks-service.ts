import { requireAuth, type SessionHandle } from '../../auth/auth-state.js';
import type { AuthServices } from '../../auth/create-auth-services.js';
import { describeScope } from '../../auth/token-scope.js';
import { allowedInterfacesOf, type CloudConfig } from '../../config/clouds-config.js';
import type { EndpointInterface } from '../../contract/common.js';
import type { NetworkPage, NetworksQuery } from '../../contract/networks.js';
import { pickEndpoint } from '../../openstack/catalog.js';
import { listNetworks, NeutronUnauthorizedError } from '../../openstack/neutron.js';
import { InvalidInputError } from '../../platform/errors.js';

export const DEFAULT_NETWORK_PAGE_SIZE = 100;

export class NetworksService {
  constructor(
    private readonly auth: AuthServices,
    private readonly upstreamTimeoutMs: number,
  ) {}

  /**
   * One page of networks from the Neutron endpoint the catalog names for the region and
   * interface asked (the session's region and the cloud's clouds.yaml `interface` by default).
   */
  async listNetworks(session: SessionHandle, query: NetworksQuery): Promise<NetworkPage> {
    // Checked before anything reaches Keystone or Neutron.
    const { current } = requireAuth(session);
    const iface = allowedInterface(this.auth.clouds.of(requireAuth(session)).config, query.interface);
    // Neutron answers an unscoped token with the shared networks alone, which would read as "your
    // networks": say what is needed instead. A domain or system token goes on to Neutron, whose
    // policy decides (an admin role lists every project's networks; otherwise 403, said plainly).
    if (describeScope(current).kind === 'unscoped') {
      throw new InvalidInputError(
        'Networks belong to projects: this token is unscoped. Switch to a project (or to the system with an admin role) to list them.',
        { scope: 'is unscoped: choose a project, a domain or the system first' },
      );
    }
    const catalog = await this.auth.catalog.read(session);
    return this.auth.access.withToken(
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
}

/**
 * The interface to call: the one asked for if the cloud's configuration allows it, else 400.
 * The catalog lists internal and admin endpoints to every token holder; the BFF, which often
 * sits inside the network those endpoints live on, calls only what clouds.yaml allows.
 */
function allowedInterface(cloud: CloudConfig, asked: EndpointInterface | undefined): EndpointInterface {
  const allowed = allowedInterfacesOf(cloud);
  if (asked === undefined) return cloud.interface;
  if (allowed.includes(asked)) return asked;
  throw new InvalidInputError(
    `The ${asked} interface is not available on ${cloud.name}: this deployment allows ${allowed.join(', ')} ` +
      '(set in clouds.yaml under api_access.interfaces).',
    { interface: `is not allowed on this cloud (allowed: ${allowed.join(', ')})` },
  );
}
