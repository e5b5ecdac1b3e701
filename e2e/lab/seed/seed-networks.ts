import { z } from 'zod';
import { callOpenStack } from './call-openstack.js';

/**
 * Neutron's data (https://docs.openstack.org/api-ref/network/v2/): the admin-owned external network
 * `public`, demo's `demo-net-1..3` with a subnet each, and `demo-router` (gateway on public,
 * interface on demo-subnet-1). demo then sees 4 networks. Looked up by name and owner first, so a
 * second run creates nothing.
 */

export const labNetworkNames = ['public', 'demo-net-1', 'demo-net-2', 'demo-net-3'] as const;
export type LabNetworkName = (typeof labNetworkNames)[number];

interface NetworkSeedInput {
  neutronUrl: string;
  adminToken: string;
  /** demo's token on project demo: what demo creates, project demo owns. */
  demoToken: string;
  adminProjectId: string;
  demoProjectId: string;
}

const withId = z.object({ id: z.string() });
const networkList = z.object({ networks: z.array(withId) });
const subnetList = z.object({ subnets: z.array(withId) });
const routerList = z.object({
  routers: z.array(
    z.object({
      id: z.string(),
      external_gateway_info: z.object({ network_id: z.string() }).nullish(),
    }),
  ),
});
const portList = z.object({
  ports: z.array(z.object({ fixed_ips: z.array(z.object({ subnet_id: z.string() })) })),
});

export async function seedNetworks(input: NetworkSeedInput): Promise<Record<LabNetworkName, string>> {
  const v2 = `${input.neutronUrl}/v2.0`;
  const asAdmin = { service: 'neutron', token: input.adminToken } as const;
  const asDemo = { service: 'neutron', token: input.demoToken } as const;

  /** GET /v2.0/networks?name=&project_id=, else POST /v2.0/networks. */
  const ensureNetwork = async (caller: typeof asAdmin, name: string, projectId: string, network: object) => {
    const query = new URLSearchParams({ name, project_id: projectId });
    const found = await callOpenStack('GET', `${v2}/networks?${query}`, {
      ...caller,
      expect: [200],
      schema: networkList,
    });
    if (found.body.networks[0]) return found.body.networks[0].id;
    const created = await callOpenStack('POST', `${v2}/networks`, {
      ...caller,
      json: { network: { name, ...network } },
      expect: [201],
      schema: z.object({ network: withId }),
    });
    return created.body.network.id;
  };

  /** GET /v2.0/subnets?network_id=&name=, else POST /v2.0/subnets (IPv4). */
  const ensureSubnet = async (
    caller: typeof asAdmin,
    networkId: string,
    name: string,
    cidr: string,
    dhcp: boolean,
  ) => {
    const query = new URLSearchParams({ network_id: networkId, name });
    const found = await callOpenStack('GET', `${v2}/subnets?${query}`, {
      ...caller,
      expect: [200],
      schema: subnetList,
    });
    if (found.body.subnets[0]) return found.body.subnets[0].id;
    const created = await callOpenStack('POST', `${v2}/subnets`, {
      ...caller,
      json: { subnet: { network_id: networkId, name, ip_version: 4, cidr, enable_dhcp: dhcp } },
      expect: [201],
      schema: z.object({ subnet: withId }),
    });
    return created.body.subnet.id;
  };

  // The external network is admin's; `router:external` makes it visible to every project. Flat on
  // the physical network `external` (e2e/lab/templates/ml2_conf.ini); provider attributes need admin.
  const publicNetwork = (async () => {
    const id = await ensureNetwork(asAdmin, 'public', input.adminProjectId, {
      'router:external': true,
      'provider:network_type': 'flat',
      'provider:physical_network': 'external',
      description: 'Lab external network',
    });
    await ensureSubnet(asAdmin, id, 'public-subnet', '198.51.100.0/24', false);
    return id;
  })();
  const demoNetworks = [1, 2, 3].map(async (i) => {
    const id = await ensureNetwork(asDemo, `demo-net-${i}`, input.demoProjectId, {});
    const subnetId = await ensureSubnet(asDemo, id, `demo-subnet-${i}`, `10.0.${i}.0/24`, true);
    return { id, subnetId };
  });
  const [publicId, net1, net2, net3] = await Promise.all([publicNetwork, ...demoNetworks]);

  await ensureDemoRouter(v2, asDemo, input.demoProjectId, publicId, net1!.subnetId);
  return { public: publicId, 'demo-net-1': net1!.id, 'demo-net-2': net2!.id, 'demo-net-3': net3!.id };
}

/**
 * demo-router: gateway on public, an interface on demo-subnet-1.
 *   https://docs.openstack.org/api-ref/network/v2/#routers-routers
 */
async function ensureDemoRouter(
  v2: string,
  asDemo: { service: 'neutron'; token: string },
  demoProjectId: string,
  publicId: string,
  subnetId: string,
) {
  const query = new URLSearchParams({ name: 'demo-router', project_id: demoProjectId });
  const found = (
    await callOpenStack('GET', `${v2}/routers?${query}`, { ...asDemo, expect: [200], schema: routerList })
  ).body.routers[0];
  const gateway = { external_gateway_info: { network_id: publicId } };
  let routerId: string;
  if (!found) {
    const created = await callOpenStack('POST', `${v2}/routers`, {
      ...asDemo,
      json: { router: { name: 'demo-router', ...gateway } },
      expect: [201],
      schema: z.object({ router: withId }),
    });
    routerId = created.body.router.id;
  } else {
    routerId = found.id;
    if (found.external_gateway_info?.network_id !== publicId) {
      await callOpenStack('PUT', `${v2}/routers/${routerId}`, {
        ...asDemo,
        json: { router: gateway },
        expect: [200],
      });
    }
  }
  const ports = await callOpenStack(
    'GET',
    `${v2}/ports?${new URLSearchParams({ device_id: routerId, device_owner: 'network:router_interface' })}`,
    { ...asDemo, expect: [200], schema: portList },
  );
  const hasInterface = ports.body.ports.some((port) =>
    port.fixed_ips.some((ip) => ip.subnet_id === subnetId),
  );
  if (!hasInterface) {
    await callOpenStack('PUT', `${v2}/routers/${routerId}/add_router_interface`, {
      ...asDemo,
      json: { subnet_id: subnetId },
      expect: [200],
    });
  }
}
