import { z } from 'zod';
import { callOpenStack, runInLanes } from './call-openstack.js';
import { labRegions } from './seed-identity.js';

/**
 * The service catalog: 5 services x 2 regions x 3 interfaces = 30 endpoints.
 *   https://docs.openstack.org/api-ref/identity/v3/#service-catalog-and-endpoints
 * Nothing listens on the compute, image and object-store ports: they are there so that the catalog
 * looks like a real cloud's. Both regions' network endpoint is the one real Neutron.
 */
function labCatalog(keystoneUrl: string, neutronUrl: string) {
  return [
    {
      type: 'identity',
      name: 'keystone',
      description: 'OpenStack Identity',
      urls: [`${keystoneUrl}/v3/`, `${keystoneUrl}/v3/`],
    },
    { type: 'network', name: 'neutron', description: 'OpenStack Networking', urls: [neutronUrl, neutronUrl] },
    {
      type: 'compute',
      name: 'nova',
      description: 'OpenStack Compute',
      urls: ['http://127.0.0.1:8774/v2.1', 'http://127.0.0.1:18774/v2.1'],
    },
    {
      type: 'image',
      name: 'glance',
      description: 'OpenStack Image',
      urls: ['http://127.0.0.1:9292', 'http://127.0.0.1:19292'],
    },
    {
      type: 'object-store',
      name: 'swift',
      description: 'OpenStack Object Storage',
      // Keystone substitutes %(project_id)s with the token's project in the catalog it returns.
      urls: ['http://127.0.0.1:8080/v1/AUTH_%(project_id)s', 'http://127.0.0.1:18080/v1/AUTH_%(project_id)s'],
    },
  ] as const;
}

const interfaces = ['public', 'internal', 'admin'] as const;

const serviceList = z.object({ services: z.array(z.object({ id: z.string(), type: z.string() })) });
const endpointList = z.object({
  endpoints: z.array(
    z.object({ service_id: z.string(), region_id: z.string().nullish(), interface: z.string() }),
  ),
});
const createdService = z.object({ service: z.object({ id: z.string() }) });

/** Creates the services and endpoints that are missing (by type; by service, region, interface). */
export async function seedCatalog(
  keystoneUrl: string,
  neutronUrl: string,
  adminToken: string,
): Promise<void> {
  const v3 = `${keystoneUrl}/v3`;
  const keystone = { service: 'keystone', token: adminToken } as const;
  const [services, endpoints] = await Promise.all([
    callOpenStack('GET', `${v3}/services`, { ...keystone, expect: [200], schema: serviceList }),
    callOpenStack('GET', `${v3}/endpoints`, { ...keystone, expect: [200], schema: endpointList }),
  ]);

  const missing: { service_id: string; region_id: string; interface: string; url: string }[] = [];
  for (const entry of labCatalog(keystoneUrl, neutronUrl)) {
    const serviceId =
      services.body.services.find((service) => service.type === entry.type)?.id ??
      (
        await callOpenStack('POST', `${v3}/services`, {
          ...keystone,
          json: {
            service: { type: entry.type, name: entry.name, description: entry.description, enabled: true },
          },
          expect: [201],
          schema: createdService,
        })
      ).body.service.id;
    labRegions.forEach((region, index) => {
      for (const iface of interfaces) {
        const exists = endpoints.body.endpoints.some(
          (endpoint) =>
            endpoint.service_id === serviceId &&
            endpoint.region_id === region &&
            endpoint.interface === iface,
        );
        if (!exists)
          missing.push({
            service_id: serviceId,
            region_id: region,
            interface: iface,
            url: entry.urls[index]!,
          });
      }
    });
  }
  // Two lanes, one per uwsgi worker: the 27 endpoints a first run creates are most of its seeding.
  await runInLanes(missing, 2, async (endpoint) => {
    await callOpenStack('POST', `${v3}/endpoints`, {
      ...keystone,
      json: { endpoint: { ...endpoint, enabled: true } },
      expect: [201],
    });
  });
}
