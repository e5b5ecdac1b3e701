import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../src/contract/errors.js';
import { networkPageSchema, type Network, type NetworkPage } from '../../src/contract/networks.js';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { DEFAULT_NETWORK_PAGE_SIZE } from '../../src/features/networks/networks-service.js';
import { MAX_UPSTREAM_BODY_BYTES } from '../../src/openstack/openstack-fetch.js';
import { ApiSession, type ApiAnswer } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 13 item 3, unbounded upstream answers. A Neutron or Keystone (or a proxy in front of one)
 * that streams hundreds of megabytes must not take the BFF's memory with it nor reach the browser:
 * every upstream body is read with a byte cap and answered 502 upstream_error past it. A Neutron
 * that ignores `limit` (pagination off) is paged by the BFF: the page size asked for holds.
 *
 * HUGE_BODY_MB (default 400) sets the size of the streamed answer.
 */

const hugeBytes = Number(process.env.HUGE_BODY_MB ?? '400') * 1024 * 1024;
let demo: DemoCloud;
let app: TestApp;

beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default', networkCount: 2 * DEFAULT_NETWORK_PAGE_SIZE + 7 });
  // A generous timeout: the answer must come from the cap, not from the clock.
  app = await startTestApp([demoCloudConfig(demo, 'demo')], { upstreamTimeoutMs: 30_000 });
});
afterAll(async () => {
  await app.close();
  await demo.close();
});
afterEach(() => demo.setFault(null));

async function signIn(): Promise<ApiSession> {
  const api = new ApiSession(app.url);
  const answer = await api.post('/api/session', { cloud: 'demo', password: demo.credentials.password });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return api;
}

/** Runs `work` while sampling this process's RSS every 5 ms; returns the peak growth over the start. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; peakRssGrowth: number }> {
  const startRss = process.memoryUsage.rss();
  let peak = startRss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  const started = performance.now();
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, ms: performance.now() - started, peakRssGrowth: peak - startRss };
  } finally {
    clearInterval(sampler);
  }
}

function expectUpstreamError(answer: ApiAnswer<any>, service: string): void {
  expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(502);
  expect(errorBodySchema.safeParse(answer.body).success).toBe(true);
  expect(answer.body.error.code).toBe('upstream_error');
  expect(answer.body.error.message).toContain(service);
  expect(answer.body.error.message).toMatch(/MiB/);
  expect(JSON.stringify(answer.body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
  expect(JSON.stringify(answer.body).length).toBeLessThan(1000);
}

const MiB = 1024 * 1024;

describe('an upstream body past the cap', () => {
  it(`Neutron streaming ${hugeBytes / MiB} MiB (chunked): 502 upstream_error quickly, memory bounded, then recovery`, async () => {
    const api = await signIn();
    demo.setFault({ kind: 'huge-body', bytes: hugeBytes }, 'neutron');
    const { value, ms, peakRssGrowth } = await measured(() => api.get('/api/networks?limit=1000'));
    expectUpstreamError(value, 'Neutron');
    console.info(
      `upstream-limits: ${hugeBytes / MiB} MiB streamed by Neutron -> ${value.status} in ${Math.round(ms)} ms, ` +
        `peak RSS growth ${Math.round(peakRssGrowth / MiB)} MiB (cap ${MAX_UPSTREAM_BODY_BYTES / MiB} MiB)`,
    );
    expect(ms).toBeLessThan(3000);
    expect(peakRssGrowth).toBeLessThan(150 * MiB);

    demo.setFault(null);
    const recovered = await api.get('/api/networks');
    expect(recovered.status, JSON.stringify(recovered.body)).toBe(200);
  });

  it('Neutron declaring a Content-Length past the cap: 502 before reading the body', async () => {
    const api = await signIn();
    demo.setFault({ kind: 'huge-body', bytes: hugeBytes, declareLength: true }, 'neutron');
    const { value, ms } = await measured(() => api.get('/api/networks'));
    expectUpstreamError(value, 'Neutron');
    expect(value.body.error.message).toMatch(/announced/);
    expect(ms).toBeLessThan(1000);
  });

  it('Keystone streaming a huge token answer at sign-in: 502 upstream_error, no session', async () => {
    demo.setFault({ kind: 'huge-body', bytes: hugeBytes }, 'keystone');
    const api = new ApiSession(app.url);
    const { value, ms, peakRssGrowth } = await measured(() =>
      api.post('/api/session', { cloud: 'demo', password: demo.credentials.password }),
    );
    expectUpstreamError(value, 'Keystone');
    expect(ms).toBeLessThan(3000);
    expect(peakRssGrowth).toBeLessThan(150 * MiB);
    expect((await api.get('/api/token')).status).toBe(401);
  });

  it('a body just under the cap is read whole', async () => {
    const api = await signIn();
    demo.setFault({ kind: 'huge-body', bytes: MAX_UPSTREAM_BODY_BYTES - 1024 }, 'neutron');
    const answer = await api.get('/api/networks?limit=1000');
    // Parsed, then paged by the BFF (the padding list is longer than the limit asked for).
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
    expect(answer.body.networks.length).toBe(1000);
  });
});

describe('a Neutron that ignores limit (pagination off)', () => {
  async function listAll(api: ApiSession, limit: number | null): Promise<NetworkPage[]> {
    const pages: NetworkPage[] = [];
    let marker: string | null = null;
    do {
      const params = new URLSearchParams();
      if (limit !== null) params.set('limit', String(limit));
      if (marker) params.set('marker', marker);
      const answer: ApiAnswer<NetworkPage> = await api.get<NetworkPage>(`/api/networks?${params}`);
      expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
      expect(networkPageSchema.safeParse(answer.body).success).toBe(true);
      pages.push(answer.body);
      marker = answer.body.nextMarker;
      expect(pages.length).toBeLessThan(200);
    } while (marker);
    return pages;
  }

  const ids = (networks: Network[]) => networks.map((network) => network.id);

  it('pages its whole list itself: each page holds the size asked for, and the pages add up to the list', async () => {
    const api = await signIn();
    const expected = ids((await listAll(api, 1000)).flatMap((page) => page.networks));
    expect(expected.length).toBe(2 * DEFAULT_NETWORK_PAGE_SIZE + 8);

    demo.setFault({ kind: 'ignore-limit' }, 'neutron');
    const pages = await listAll(api, 7);
    expect(pages.every((page) => page.networks.length <= 7)).toBe(true);
    expect(pages.slice(0, -1).every((page) => page.networks.length === 7)).toBe(true);
    expect(ids(pages.flatMap((page) => page.networks))).toEqual(expected);

    const defaults = await listAll(api, null);
    expect(defaults[0]!.networks.length).toBe(DEFAULT_NETWORK_PAGE_SIZE);
    expect(defaults.every((page) => page.networks.length <= DEFAULT_NETWORK_PAGE_SIZE)).toBe(true);
    expect(ids(defaults.flatMap((page) => page.networks))).toEqual(expected);
  });

  it('answers a marker it does not find in the whole list with not_found', async () => {
    const api = await signIn();
    demo.setFault({ kind: 'ignore-limit' }, 'neutron');
    const answer = await api.get('/api/networks?limit=5&marker=00000000-0000-4000-8000-00000000dead');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('not_found');
  });
});
