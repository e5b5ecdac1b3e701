import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudList } from '../../src/contract/clouds.js';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 13 item 4: a signed-in user could send the BFF, with their token, to any interface the
 * catalog lists (`/api/networks?interface=admin`). Only the interfaces clouds.yaml allows for the
 * cloud are called: its `interface` (default public), plus `api_access.interfaces`. Any other is
 * 400 invalid_input, and nothing reaches Neutron.
 */

let demo: DemoCloud;
let app: TestApp;

beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
  app = await startTestApp([
    // As parsed from a clouds.yaml entry without api_access: its interface only.
    { ...demoCloudConfig(demo, 'plain'), allowedInterfaces: ['public'] },
    // What a config built without the clouds.yaml parser (main.ts's demo cloud) gets: `interface` only.
    demoCloudConfig(demo, 'bare'),
    { ...demoCloudConfig(demo, 'wider'), allowedInterfaces: ['public', 'internal'] },
    { ...demoCloudConfig(demo, 'inside'), interface: 'internal', allowedInterfaces: ['internal'] },
  ]);
});
afterAll(async () => {
  await app.close();
  await demo.close();
});

async function signIn(cloud: string): Promise<ApiSession> {
  const api = new ApiSession(app.url);
  const answer = await api.post('/api/session', { cloud, password: demo.credentials.password });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return api;
}

/** The status of GET /api/networks, and whether the demo cloud saw any request meanwhile. */
async function networks(api: ApiSession, query: string) {
  const before = demo.stats.requests;
  const answer = await api.get(`/api/networks${query}`);
  return { answer, reachedCloud: demo.stats.requests > before };
}

describe('endpoint interfaces', () => {
  it.each(['plain', 'bare'])(
    'refuses internal and admin on a cloud that allows only its interface (%s), without calling Neutron',
    async (cloud) => {
      const api = await signIn(cloud);
      for (const iface of ['admin', 'internal']) {
        const { answer, reachedCloud } = await networks(api, `?interface=${iface}`);
        expect(answer.status, JSON.stringify(answer.body)).toBe(400);
        expect(answer.body.error.code).toBe('invalid_input');
        expect(answer.body.error.message).toContain(`The ${iface} interface is not available`);
        expect(answer.body.error.fields).toEqual({
          interface: 'is not allowed on this cloud (allowed: public)',
        });
        expect(reachedCloud).toBe(false);
      }
      expect((await networks(api, '?interface=public')).answer.status).toBe(200);
      expect((await networks(api, '')).answer.status).toBe(200);
    },
  );

  it('allows the interfaces listed under api_access.interfaces, and no other', async () => {
    const api = await signIn('wider');
    expect((await networks(api, '?interface=internal')).answer.status).toBe(200);
    expect((await networks(api, '?interface=public')).answer.status).toBe(200);
    const admin = await networks(api, '?interface=admin');
    expect(admin.answer.status).toBe(400);
    expect(admin.answer.body.error.fields.interface).toContain('allowed: public, internal');
    expect(admin.reachedCloud).toBe(false);
  });

  it("defaults to the cloud's own interface, and refuses public when that is not allowed", async () => {
    const api = await signIn('inside');
    expect((await networks(api, '')).answer.status).toBe(200);
    expect((await networks(api, '?interface=internal')).answer.status).toBe(200);
    expect((await networks(api, '?interface=public')).answer.status).toBe(400);
  });

  it('tells the SPA which interfaces each cloud allows (GET /api/clouds)', async () => {
    const clouds = (await new ApiSession(app.url).get<CloudList>('/api/clouds')).body.clouds;
    expect(Object.fromEntries(clouds.map((cloud) => [cloud.name, cloud.interfaces]))).toEqual({
      plain: ['public'],
      bare: ['public'],
      wider: ['public', 'internal'],
      inside: ['internal'],
    });
  });
});
