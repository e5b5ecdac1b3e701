import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 6 "Load", CI-sized: LOAD_SESSIONS signed-in sessions each poll GET /api/token (as the
 * SPA's countdown does) for LOAD_SECONDS against one BFF. Zero errors, and zero Keystone calls
 * after the sign-ins: the token lives in the session, polling never reaches the cloud. The full
 * figure (200 sessions, 60 s) is the benchmark's. Override with LOAD_SESSIONS / LOAD_SECONDS.
 */

const SESSIONS = Number(process.env.LOAD_SESSIONS ?? 50);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 10);

let demo: DemoCloud;
let app: TestApp;
const agent = new http.Agent({ keepAlive: true, maxSockets: SESSIONS });

beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
  app = await startTestApp([demoCloudConfig(demo, 'demo')]);
});
afterAll(async () => {
  agent.destroy();
  await app.close();
  await demo.close();
});

function request(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string; cookie: string | undefined }> {
  const { hostname, port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          text,
          // The session cookie when the answer sets one, else the first (GET /api/csrf: the CSRF cookie).
          cookie: (
            res.headers['set-cookie']?.find((line) => line.startsWith('api-access.sid=')) ??
            res.headers['set-cookie']?.[0]
          )?.split(';')[0],
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

async function signIn(): Promise<string> {
  const csrf = await request('GET', '/api/csrf', {});
  const { csrfToken } = JSON.parse(csrf.text) as { csrfToken: string };
  const login = await request(
    'POST',
    '/api/session',
    { Cookie: csrf.cookie!, 'X-CSRF-Token': csrfToken, 'Content-Type': 'application/json' },
    JSON.stringify({ cloud: 'demo', password: demo.credentials.password }),
  );
  expect(login.status, login.text).toBe(201);
  return login.cookie!;
}

describe('load', () => {
  it(`serves ${SESSIONS} sessions polling /api/token for ${SECONDS} s with no error and no Keystone call`, async () => {
    const cookies: string[] = [];
    for (let i = 0; i < SESSIONS; i += 5)
      cookies.push(...(await Promise.all(Array.from({ length: Math.min(5, SESSIONS - i) }, signIn))));
    expect(new Set(cookies).size).toBe(SESSIONS);
    const tokenIds = new Map<string, string>();
    const issued = demo.stats.tokensIssued;
    const keystoneRequests = demo.stats.requests;

    const latencies: number[] = [];
    const errors: string[] = [];
    const endAt = Date.now() + SECONDS * 1000;
    await Promise.all(
      cookies.map(async (cookie) => {
        while (Date.now() < endAt) {
          const started = performance.now();
          try {
            const answer = await request('GET', '/api/token', { Cookie: cookie });
            latencies.push(performance.now() - started);
            if (answer.status !== 200) {
              errors.push(`${answer.status} ${answer.text.slice(0, 100)}`);
              continue;
            }
            const { id, secondsLeft } = JSON.parse(answer.text) as { id: string; secondsLeft: number };
            if (secondsLeft <= 0) errors.push('expired token');
            const known = tokenIds.get(cookie);
            if (known && known !== id) errors.push('token changed');
            tokenIds.set(cookie, id);
          } catch (error) {
            errors.push((error as Error).message);
          }
        }
      }),
    );

    latencies.sort((a, b) => a - b);
    const percentile = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
    console.info(
      `load: ${SESSIONS} sessions, ${SECONDS} s, ${latencies.length} requests (${Math.round(latencies.length / SECONDS)}/s), ` +
        `p50 ${percentile(0.5).toFixed(1)} ms, p99 ${percentile(0.99).toFixed(1)} ms, errors ${errors.length}, ` +
        `Keystone requests ${demo.stats.requests - keystoneRequests}`,
    );
    expect(errors).toEqual([]);
    expect(latencies.length).toBeGreaterThan(SESSIONS * SECONDS); // at least one poll per session per second
    expect(tokenIds.size).toBe(SESSIONS);
    expect(demo.stats.tokensIssued).toBe(issued);
    expect(demo.stats.requests).toBe(keystoneRequests);
  }, 120_000);
});
