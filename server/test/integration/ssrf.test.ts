import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { resolveIdentityEndpoint } from '../../src/config/identity-endpoint.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 6 "SSRF": the BFF calls only the auth URLs of its configuration and the endpoints of the
 * catalog Keystone returned, and follows no redirect. A malicious or compromised upstream that
 * answers 3xx towards another server must get nothing sent there: the BFF answers 502
 * upstream_error. No request field can name a URL: an unknown cloud is 400, extra fields are 400.
 */

interface Recorder {
  url: string;
  hits: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function listen(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The server a redirect points to: it records every request (and the token it might carry). */
async function startRecorder(): Promise<Recorder> {
  const hits: Recorder['hits'] = [];
  const server = await listen((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    res.setHeader('Content-Type', 'application/json');
    res.end('{}');
  });
  return { ...server, hits };
}

let demo: DemoCloud;
let recorder: Recorder;
let redirectStatus = 302;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
  recorder = await startRecorder();
});
afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await recorder.close();
  await demo.close();
});
afterEach(() => {
  recorder.hits.length = 0;
});

/** A "Keystone" that sends every request elsewhere with a redirect. */
async function startRedirectingKeystone(): Promise<string> {
  const server = await listen((req, res) => {
    req.resume();
    res.statusCode = redirectStatus;
    res.setHeader('Location', `${recorder.url}${req.url ?? '/'}`);
    res.end();
  });
  closers.push(server.close);
  return server.url;
}

/**
 * A Keystone that forwards to the demo cloud, but publishes a network endpoint that redirects to
 * the recorder: the token is good, the catalog points at a hostile Neutron.
 */
async function startKeystoneWithHostileNeutron(): Promise<string> {
  const neutron = await listen((req, res) => {
    req.resume();
    res.statusCode = redirectStatus;
    res.setHeader('Location', `${recorder.url}${req.url ?? '/'}`);
    res.end();
  });
  closers.push(neutron.close);
  const keystone = await listen(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const upstream = await fetch(`${demo.url}${req.url ?? '/'}`, {
      method: req.method,
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(
          ([name]) => !['host', 'content-length', 'connection'].includes(name),
        ),
      ) as Record<string, string>,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    });
    const text = await upstream.text();
    const body = text
      ? (JSON.parse(text) as { token?: { catalog?: { type: string; endpoints: { url: string }[] }[] } })
      : null;
    for (const service of body?.token?.catalog ?? []) {
      if (service.type === 'network') for (const endpoint of service.endpoints) endpoint.url = neutron.url;
    }
    res.statusCode = upstream.status;
    const subject = upstream.headers.get('x-subject-token');
    if (subject) res.setHeader('X-Subject-Token', subject);
    res.setHeader('Content-Type', upstream.headers.get('content-type') ?? 'application/json');
    res.end(body ? JSON.stringify(body) : '');
  });
  closers.push(keystone.close);
  return keystone.url;
}

function cloudAt(name: string, authUrl: string) {
  return {
    ...demoCloudConfig(demo, name),
    authUrl: `${authUrl}/v3`,
    identity: resolveIdentityEndpoint(`${authUrl}/v3`, '3'),
  };
}

describe('no redirect is followed', () => {
  let app: TestApp;
  beforeAll(async () => {
    const redirecting = await startRedirectingKeystone();
    const hostileNeutron = await startKeystoneWithHostileNeutron();
    app = await startTestApp([
      cloudAt('redirecting', redirecting),
      cloudAt('hostile-neutron', hostileNeutron),
    ]);
    closers.push(app.close);
  });

  for (const status of [301, 302, 303, 307, 308]) {
    it(`answers a Keystone ${status} with 502 upstream_error and sends nothing (no password) to the target`, async () => {
      redirectStatus = status;
      const answer = await new ApiSession(app.url).post('/api/session', {
        cloud: 'redirecting',
        password: demo.credentials.password,
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(502);
      expect(answer.body.error.code).toBe('upstream_error');
      expect(answer.body.error.message).toMatch(/redirect/);
      expect(recorder.hits).toEqual([]);
    });
  }

  it('answers a Neutron 302 with 502 upstream_error and sends the token nowhere', async () => {
    redirectStatus = 302;
    const api = new ApiSession(app.url);
    const login = await api.post('/api/session', {
      cloud: 'hostile-neutron',
      password: demo.credentials.password,
    });
    expect(login.status, JSON.stringify(login.body)).toBe(201);
    const networks = await api.get('/api/networks');
    expect(networks.status, JSON.stringify(networks.body)).toBe(502);
    expect(networks.body.error.code).toBe('upstream_error');
    expect(networks.body.error.message).toMatch(/Neutron.*redirect/);
    expect(recorder.hits).toEqual([]);
  });
});

describe('only configured auth URLs', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp([demoCloudConfig(demo, 'demo')]);
    closers.push(app.close);
  });

  it('refuses a cloud that is not configured, even one spelled as a URL', async () => {
    for (const cloud of ['elsewhere', recorder.url, `${recorder.url}/v3`, '../demo', 'DEMO']) {
      const requests = demo.stats.requests;
      const answer = await new ApiSession(app.url).post('/api/session', { cloud, password: 'x' });
      expect(answer.status, cloud).toBe(400);
      expect(answer.body.error.code).toBe('invalid_input');
      expect(demo.stats.requests).toBe(requests);
    }
    expect(recorder.hits).toEqual([]);
  });

  it('has no body field that can carry a URL to the upstream calls', async () => {
    const target = `${recorder.url}/v3`;
    for (const field of ['authUrl', 'auth_url', 'url', 'endpoint', 'identityUrl', 'keystoneUrl']) {
      const answer = await new ApiSession(app.url).post('/api/session', {
        cloud: 'demo',
        password: demo.credentials.password,
        [field]: target,
      });
      expect(answer.status, field).toBe(400);
      expect(answer.body.error.fields).toHaveProperty(field);
    }
    // URLs in the fields that do exist are names and ids to Keystone, never addresses to call.
    const api = new ApiSession(app.url);
    const answer = await api.post('/api/session', {
      cloud: 'demo',
      password: demo.credentials.password,
      regionName: target,
    });
    expect(answer.status).toBeLessThan(500);
    if (answer.status === 201) expect((await api.get('/api/networks')).status).toBeLessThan(500);
    const signedIn = new ApiSession(app.url);
    expect(
      (await signedIn.post('/api/session', { cloud: 'demo', password: demo.credentials.password })).status,
    ).toBe(201);
    for (const query of [`region=${encodeURIComponent(target)}`, `marker=${encodeURIComponent(target)}`]) {
      expect((await signedIn.get(`/api/networks?${query}`)).status).toBeLessThan(500);
    }
    expect(recorder.hits).toEqual([]);
  });
});
