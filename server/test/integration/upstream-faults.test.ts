import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../src/contract/errors.js';
import { startDemoCloud, type DemoCloud, type DemoFault } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession, type ApiAnswer } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Keystone or Neutron unreachable, too slow, failing or answering HTML: each gives its documented
 * error code within the upstream timeout, and the BFF recovers by itself once the fault is gone.
 */

const upstreamTimeoutMs = 300;
let demo: DemoCloud;
let app: TestApp;

beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
  app = await startTestApp([demoCloudConfig(demo, 'demo')], { upstreamTimeoutMs });
});
afterAll(async () => {
  await app.close();
  await demo.close();
});
afterEach(() => demo.setFault(null));

interface FaultCase {
  name: string;
  fault: DemoFault;
  status: number;
  code: string;
}

const faultCases: FaultCase[] = [
  {
    name: 'unreachable (connection closed without an answer)',
    fault: { kind: 'unreachable' },
    status: 503,
    code: 'upstream_unavailable',
  },
  {
    name: 'slower than the timeout',
    fault: { kind: 'slow', delayMs: 5000 },
    status: 504,
    code: 'upstream_unavailable',
  },
  {
    name: 'HTTP 500 with its JSON error',
    fault: { kind: 'status', status: 500 },
    status: 502,
    code: 'upstream_error',
  },
  {
    name: 'HTTP 502 from the proxy (HTML)',
    fault: { kind: 'status', status: 502 },
    status: 502,
    code: 'upstream_error',
  },
  {
    name: 'HTTP 503 from the proxy (HTML)',
    fault: { kind: 'status', status: 503 },
    status: 502,
    code: 'upstream_error',
  },
  {
    name: 'HTTP 200 with an HTML maintenance page',
    fault: { kind: 'non-json' },
    status: 502,
    code: 'upstream_error',
  },
];

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

function expectError(answer: ApiAnswer, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(errorBodySchema.safeParse(answer.body).success).toBe(true);
  expect(answer.body).toMatchObject({ error: { code } });
  expect(JSON.stringify(answer.body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
}

async function signIn(): Promise<ApiSession> {
  const api = new ApiSession(app.url);
  const answer = await api.post('/api/session', { cloud: 'demo', password: demo.credentials.password });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return api;
}

describe('Keystone faults', () => {
  for (const { name, fault, status, code } of faultCases) {
    it(`sign-in and reissue: ${name} -> ${status} ${code}, then recovery`, async () => {
      const api = await signIn();
      demo.setFault(fault, 'keystone');

      const login = await timed(() =>
        new ApiSession(app.url).post('/api/session', { cloud: 'demo', password: demo.credentials.password }),
      );
      expectError(login.value, status, code);
      expect(login.ms).toBeLessThan(2000);

      const reissue = await timed(() => api.post('/api/token/reissue', {}));
      expectError(reissue.value, status, code);
      expect(reissue.ms).toBeLessThan(2000);
      // A failed reissue costs the session nothing.
      expect((await api.get('/api/token')).status).toBe(200);

      demo.setFault(null);
      expect(
        (
          await new ApiSession(app.url).post('/api/session', {
            cloud: 'demo',
            password: demo.credentials.password,
          })
        ).status,
      ).toBe(201);
      expect((await api.post('/api/token/reissue', {})).status).toBe(200);
    });
  }
});

describe('Neutron faults', () => {
  for (const { name, fault, status, code } of faultCases) {
    it(`network list: ${name} -> ${status} ${code}, then recovery in the same session`, async () => {
      const api = await signIn();
      demo.setFault(fault, 'neutron');
      const issued = demo.stats.tokensIssued;

      const answer = await timed(() => api.get('/api/networks'));
      expectError(answer.value, status, code);
      expect(answer.ms).toBeLessThan(2000);
      // A Neutron failure is not a token problem: no renewal was attempted.
      expect(demo.stats.tokensIssued).toBe(issued);

      demo.setFault(null);
      const recovered = await api.get('/api/networks');
      expect(recovered.status, JSON.stringify(recovered.body)).toBe(200);
      expect(recovered.body.networks.length).toBeGreaterThan(0);
    });
  }
});

describe('a slow but timely upstream', () => {
  it('waits for an answer that comes within the timeout', async () => {
    const api = await signIn();
    demo.setFault({ kind: 'slow', delayMs: 100 }, 'neutron');
    expect((await api.get('/api/networks')).status).toBe(200);
  });
});
