import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkPageSchema, type Network, type NetworkPage } from '../../src/contract/networks.js';
import { startDemoCloud, type DemoCloud, type DemoProfile } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * GET /api/networks on every demo profile: each publishes its Neutron endpoint in another URL form
 * (path prefix with and without trailing slash, bare origin with and without), and a naive join
 * (`...//v2.0/networks`) is answered 404 by the demo. Paging follows Neutron's networks_links.
 */

const profiles: DemoProfile[] = ['default', 'ovh', 'vk', 'nhn'];
const clouds = new Map<DemoProfile, DemoCloud>();
let app: TestApp;

beforeAll(async () => {
  for (const profile of profiles) clouds.set(profile, await startDemoCloud({ profile, networkCount: 7 }));
  app = await startTestApp(profiles.map((profile) => demoCloudConfig(clouds.get(profile)!, profile)));
});
afterAll(async () => {
  await app.close();
  for (const demo of clouds.values()) await demo.close();
});

async function signIn(profile: DemoProfile): Promise<ApiSession> {
  const api = new ApiSession(app.url);
  const answer = await api.post('/api/session', {
    cloud: profile,
    password: clouds.get(profile)!.credentials.password,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return api;
}

async function listAll(
  api: ApiSession,
  query: string,
  limit: number,
): Promise<{ pages: NetworkPage[]; networks: Network[] }> {
  const pages: NetworkPage[] = [];
  let marker: string | null = null;
  do {
    const answer: { status: number; body: NetworkPage } = await api.get<NetworkPage>(
      `/api/networks?${query}&limit=${limit}${marker ? `&marker=${encodeURIComponent(marker)}` : ''}`,
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(networkPageSchema.safeParse(answer.body).success).toBe(true);
    pages.push(answer.body);
    marker = answer.body.nextMarker;
    expect(pages.length).toBeLessThan(50);
  } while (marker);
  return { pages, networks: pages.flatMap((page) => page.networks) };
}

describe.each(profiles)('networks on the %s profile', (profile) => {
  it('lists every region, pages through networks_links and finds the same set as one big page', async () => {
    const demo = clouds.get(profile)!;
    const api = await signIn(profile);
    for (const region of demo.regions) {
      const whole = await api.get<NetworkPage>(`/api/networks?region=${region}&limit=1000`);
      expect(whole.status, JSON.stringify(whole.body)).toBe(200);
      expect(whole.body.nextMarker).toBeNull();
      const ids = whole.body.networks.map((network) => network.id);
      expect(ids.length).toBeGreaterThan(2);
      expect(whole.body.networks.some((network) => network.name.includes(`net-${region}-`))).toBe(true);

      const paged = await listAll(api, `region=${region}`, 2);
      expect(paged.pages.length).toBeGreaterThan(1);
      expect(paged.pages.slice(0, -1).every((page) => page.networks.length === 2)).toBe(true);
      expect(paged.networks.map((network) => network.id).sort()).toEqual([...ids].sort());
      expect(new Set(paged.networks.map((network) => network.id)).size).toBe(ids.length);
    }
  });

  it('maps each network to the contract shape', async () => {
    const api = await signIn(profile);
    const page = (await api.get<NetworkPage>('/api/networks?limit=1000')).body;
    const network = page.networks.find((item) => item.name.includes('net-'));
    expect(network).toBeDefined();
    expect(network).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'ACTIVE',
      adminStateUp: true,
      projectId: clouds.get(profile)!.credentials.projectId,
    });
    expect(Array.isArray(network!.subnets)).toBe(true);
    expect(typeof network!.mtu).toBe('number');
  });
});

describe('network query errors', () => {
  it('answers an unknown region with not_found and a bad query with invalid_input', async () => {
    const api = await signIn('default');
    const unknown = await api.get('/api/networks?region=Nowhere');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const bad = await api.get('/api/networks?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty('limit');
  });

  it('needs a session', async () => {
    const answer = await new ApiSession(app.url).get('/api/networks');
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('not_authenticated');
  });
});
