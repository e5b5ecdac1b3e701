import path from 'node:path';
import Database from 'better-sqlite3';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 13 item 2: every GET /api/csrf without a cookie wrote an 8-hour session (2,000 of them
 * grew DATA_DIR by 4.6 MB). A visitor who has not signed in now costs the store nothing: the CSRF
 * token is stateless (a signed cookie), and no anonymous request writes a session or a tombstone.
 */

const ANONYMOUS_CSRF_REQUESTS = 2000;

let demo: DemoCloud;
let redis: TestRedis;
const running: TestApp[] = [];

beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
  redis = await startTestRedis();
});
afterAll(async () => {
  for (const app of running.splice(0)) await app.close();
  await demo.close();
  await redis.stop();
});

/** What an anonymous visitor (or a script) can send: a fresh client each time, so no cookie. */
async function visitAnonymously(app: TestApp): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < ANONYMOUS_CSRF_REQUESTS) {
      next += 1;
      const answer = await new ApiSession(app.url).send('GET', '/api/csrf', undefined, {}, false);
      expect(answer.status).toBe(200);
      expect(answer.body.csrfToken).toEqual(expect.any(String));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));

  // Other anonymous requests, each with a valid CSRF token (from its own cookie): reads, a sign-in
  // without a password, a passcode without a pending sign-in, a reissue, a sign-out.
  for (const path of ['/api/session', '/api/token', '/api/tokens', '/api/projects', '/api/catalog'])
    expect((await new ApiSession(app.url).get(path)).status).toBe(401);
  const mutations: [string, string, unknown, number][] = [
    ['POST', '/api/session', { cloud: 'demo', username: 'someone' }, 400],
    ['POST', '/api/session/mfa', { passcode: '123456' }, 401],
    ['POST', '/api/token/reissue', {}, 401],
    ['POST', '/api/session/project', { projectId: 'p' }, 401],
    ['DELETE', '/api/session', undefined, 200],
    ['DELETE', '/api/tokens/0123456789abcdef', undefined, 401],
  ];
  for (const [method, path, body, status] of mutations) {
    const answer = await new ApiSession(app.url).request(method, path, body);
    expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(status);
  }
}

describe('anonymous visitors', () => {
  it(`leave no row in SQLite after ${ANONYMOUS_CSRF_REQUESTS} GET /api/csrf and other anonymous requests`, async () => {
    const app = await startTestApp([demoCloudConfig(demo, 'demo')]);
    running.push(app);
    await visitAnonymously(app);
    const db = new Database(path.join(app.dataDir, 'sessions.db'), { readonly: true });
    try {
      const count = (table: string) =>
        (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      expect({ sessions: count('sessions'), tombstones: count('closed_sessions') }).toEqual({
        sessions: 0,
        tombstones: 0,
      });
    } finally {
      db.close();
    }
    // A sign-in still stores its session: the count above is not zero for want of writing.
    const api = new ApiSession(app.url);
    expect(
      (await api.post('/api/session', { cloud: 'demo', password: demo.credentials.password })).status,
    ).toBe(201);
    const after = new Database(path.join(app.dataDir, 'sessions.db'), { readonly: true });
    try {
      expect((after.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n).toBe(1);
    } finally {
      after.close();
    }
  });

  it(`leave no key in Redis after ${ANONYMOUS_CSRF_REQUESTS} GET /api/csrf and other anonymous requests`, async () => {
    const app = await startTestApp([demoCloudConfig(demo, 'demo')], { redisUrl: redis.url });
    running.push(app);
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      await client.flushAll();
      await visitAnonymously(app);
      expect(await client.keys('*')).toEqual([]);
      const api = new ApiSession(app.url);
      expect(
        (await api.post('/api/session', { cloud: 'demo', password: demo.credentials.password })).status,
      ).toBe(201);
      expect((await client.keys('api-access:sess:*')).length).toBe(1);
    } finally {
      await client.close();
    }
  });
});
