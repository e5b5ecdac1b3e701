import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppConfig } from '../../src/app.js';
import { createCloudRegistry, type CloudConfig } from '../../src/config/clouds-config.js';
import type { TokenInfo } from '../../src/contract/token.js';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { createLogger } from '../../src/platform/logger.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { testAppConfig, testSecret } from '../support/test-app.js';
import { openSessionStore } from '../../src/http/session-store.js';

/**
 * Issue 6 "Scale-out": two BFF replicas (two createApp instances on two ports, same secrets) share
 * one Redis, started here from Debian's redis-server. One user is served by both: sign-in,
 * reissue, logout and the single flight hold across them, and so do the token budget and the
 * login throttle. Redis going away gives 503 store_unavailable quickly, and its return heals the
 * replicas without a restart. The raw Redis values hold no token and no password.
 */

interface Replica {
  url: string;
  close(): Promise<void>;
}

let redis: TestRedis;
let demo: DemoCloud;
const running: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  demo = await startDemoCloud({ profile: 'default' });
});
afterAll(async () => {
  for (const item of running.splice(0).reverse()) await item.close();
  await demo.close();
  await redis.stop();
});

async function startReplica(clouds: CloudConfig[], overrides: Partial<AppConfig> = {}): Promise<Replica> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-access-replica-'));
  const logger = createLogger('silent');
  const config = testAppConfig(dataDir, overrides);
  const store = await openSessionStore(
    {
      sessionStore: 'redis',
      redisUrl: redis.url,
      dataDir,
      sessionIdleTimeoutMs: config.sessionIdleTimeoutMs,
    },
    logger,
  );
  expect(store.sharedState.kind).toBe('redis');
  const app = createApp({
    config,
    clouds: createCloudRegistry(clouds, null),
    sessionStore: store.store,
    ledgerStore: store.ledger,
    isStoreReachable: store.isReachable,
    sharedState: store.sharedState,
    secrets: [testSecret],
    logger,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const replica: Replica = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
  running.push(replica);
  return replica;
}

interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  ms: number;
}

/** One browser whose requests a load balancer spreads over the replicas: one cookie, one CSRF token. */
class Browser {
  /** Cookie name → value: the session and the CSRF cookie. */
  readonly cookies = new Map<string, string>();
  csrfToken: string | null = null;

  get cookie(): string | null {
    return this.cookies.size === 0 ? null : [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }

  async call<T = any>(replica: Replica, method: string, path: string, json?: unknown): Promise<Answer<T>> {
    if (method !== 'GET' && this.csrfToken === null) {
      const csrf = await this.call<{ csrfToken: string }>(replica, 'GET', '/api/csrf');
      expect(csrf.status, JSON.stringify(csrf.body)).toBe(200);
      this.csrfToken = csrf.body.csrfToken;
    }
    const started = Date.now();
    const response = await fetch(`${replica.url}${path}`, {
      method,
      headers: {
        ...(json === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(this.cookie ? { Cookie: this.cookie } : {}),
        ...(method !== 'GET' && this.csrfToken ? { 'X-CSRF-Token': this.csrfToken } : {}),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.timeout(15_000),
    });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
      // A new CSRF cookie (a new session id at sign-in) makes the token held so far worthless.
      if (pair.slice(0, at).endsWith('.csrf')) this.csrfToken = null;
    }
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : undefined) as T,
      ms: Date.now() - started,
    };
  }
}

async function signIn(replica: Replica, body: Record<string, unknown>): Promise<Browser> {
  const browser = new Browser();
  const answer = await browser.call(replica, 'POST', '/api/session', body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  // The sign-in rotated the CSRF token with the session id: the new one, as the SPA fetches it.
  const csrf = await browser.call<{ csrfToken: string }>(replica, 'GET', '/api/csrf');
  expect(csrf.status).toBe(200);
  browser.csrfToken = csrf.body.csrfToken;
  return browser;
}

/** Every value in the Redis, whatever its type, as one string. */
async function dumpRedis(): Promise<{ keys: string[]; text: string }> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    const keys = await client.keys('*');
    const parts: string[] = [];
    for (const key of keys) {
      const type = await client.type(key);
      if (type === 'string') parts.push(String(await client.get(key)));
      else if (type === 'zset') parts.push((await client.zRange(key, 0, -1)).join('\n'));
      else if (type === 'hash') parts.push(JSON.stringify(await client.hGetAll(key)));
      else if (type === 'list') parts.push((await client.lRange(key, 0, -1)).join('\n'));
      else if (type === 'set') parts.push((await client.sMembers(key)).join('\n'));
      else parts.push(`<${type}>`);
    }
    return { keys, text: `${keys.join('\n')}\n${parts.join('\n')}` };
  } finally {
    await client.close();
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not within ${timeoutMs} ms`);
}

describe('two replicas on one Redis', () => {
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    const clouds = [demoCloudConfig(demo, 'demo')];
    a = await startReplica(clouds);
    b = await startReplica(clouds);
  });

  it('serves one user from both: sign in on A, reissue on B, see it on A, log out on A, gone on B', async () => {
    const browser = await signIn(a, { cloud: 'demo', password: demo.credentials.password });
    const first = (await browser.call<TokenInfo>(b, 'GET', '/api/token')).body;
    const firstToken = (await browser.call(a, 'GET', '/api/token/secret')).body.token as string;

    const reissued = await browser.call<TokenInfo>(b, 'POST', '/api/token/reissue', {});
    expect(reissued.status, JSON.stringify(reissued.body)).toBe(200);
    expect(reissued.body.id).not.toBe(first.id);
    const onA = await browser.call<TokenInfo>(a, 'GET', '/api/token');
    expect(onA.status).toBe(200);
    expect(onA.body.id).toBe(reissued.body.id);
    const secondToken = (await browser.call(a, 'GET', '/api/token/secret')).body.token as string;
    expect(secondToken).not.toBe(firstToken);
    expect(demo.isTokenValid(secondToken)).toBe(true);
    expect((await browser.call(b, 'GET', '/api/networks')).status).toBe(200);

    // The raw Redis: the sessions are there, the secrets are not.
    const { keys, text } = await dumpRedis();
    expect(keys.some((key) => key.startsWith('api-access:sess:'))).toBe(true);
    expect(text).toContain('"auth"');
    expect(text).toContain(firstToken.slice(0, 8)); // the preview, meant to be there
    for (const secret of [firstToken, secondToken, demo.credentials.password]) {
      expect(text.includes(secret), `secret ${secret.slice(0, 6)}… in Redis`).toBe(false);
      expect(text.includes(JSON.stringify(secret).slice(1, -1))).toBe(false);
      expect(text.includes(Buffer.from(secret).toString('base64'))).toBe(false);
    }

    const cookies = new Map(browser.cookies);
    const logout = await browser.call(a, 'DELETE', '/api/session');
    expect(logout.status).toBe(200);
    expect(logout.body).toEqual({ revoked: 2, notRevoked: 0 });
    // The cookie the browser held before logout, replayed on B and on A: the session is gone.
    for (const replica of [b, a]) {
      const replay = new Browser();
      for (const [name, value] of cookies) replay.cookies.set(name, value);
      const answer = await replay.call(replica, 'GET', '/api/token');
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('not_authenticated');
    }
  });

  it('makes one Keystone call for concurrent reissues split across A and B', async () => {
    const browser = await signIn(a, { cloud: 'demo', password: demo.credentials.password });
    const first = (await browser.call<TokenInfo>(a, 'GET', '/api/token')).body;
    const before = demo.stats.tokensIssued;
    // A slow Keystone: every request arrives while the first renewal is in flight.
    demo.setFault({ kind: 'slow', delayMs: 400 }, 'keystone');
    let answers: Answer<TokenInfo>[];
    try {
      answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          browser.call<TokenInfo>(i % 2 === 0 ? a : b, 'POST', '/api/token/reissue', {}),
        ),
      );
    } finally {
      demo.setFault(null);
    }
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(demo.stats.tokensIssued).toBe(before + 1);
    const ids = new Set(answers.map((answer) => answer.body.id));
    expect(ids.size).toBe(1);
    expect(ids.has(first.id)).toBe(false);
    for (const replica of [a, b]) {
      expect((await browser.call<TokenInfo>(replica, 'GET', '/api/token')).body.id).toBe(answers[0]!.body.id);
    }
    const tokens = (await browser.call(b, 'GET', '/api/tokens')).body.tokens as { id: string }[];
    expect(tokens.map((token) => token.id)).toEqual([answers[0]!.body.id, first.id]);
  });
});

describe('limits shared by the replicas', () => {
  it('keeps the token budget across replicas', async () => {
    const clouds = [demoCloudConfig(demo, 'budget')];
    const a = await startReplica(clouds, { tokenCreationsPerMinute: 3 });
    const b = await startReplica(clouds, { tokenCreationsPerMinute: 3 });
    const browser = await signIn(a, { cloud: 'budget', password: demo.credentials.password }); // 1 on A
    expect((await browser.call(b, 'POST', '/api/token/reissue', {})).status).toBe(200); // 2 on B
    expect((await browser.call(a, 'POST', '/api/token/reissue', {})).status).toBe(200); // 3 on A
    const issued = demo.stats.tokensIssued;
    // B alone has spent one: only a shared budget refuses this.
    const limited = await browser.call(b, 'POST', '/api/token/reissue', {});
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBe(limited.body.error.retryAfter);
    expect(demo.stats.tokensIssued).toBe(issued);
    expect(
      (
        await new Browser().call(a, 'POST', '/api/session', {
          cloud: 'budget',
          password: demo.credentials.password,
        })
      ).status,
    ).toBe(429);
  });

  it('keeps the login throttle across replicas: failures on A and B add up, successes do not count', async () => {
    const clouds = [demoCloudConfig(demo, 'throttle')];
    const limits = { loginAttemptsPerMinutePerUsername: 3 };
    const a = await startReplica(clouds, limits);
    const b = await startReplica(clouds, limits);
    // Successful sign-ins, on either replica, are taken back from the shared count.
    for (const replica of [a, b, a, b, a])
      await signIn(replica, { cloud: 'throttle', password: demo.credentials.password });
    const body = { cloud: 'throttle', password: 'wrong' };
    expect((await new Browser().call(a, 'POST', '/api/session', body)).status).toBe(401);
    expect((await new Browser().call(b, 'POST', '/api/session', body)).status).toBe(401);
    expect((await new Browser().call(a, 'POST', '/api/session', body)).status).toBe(401);
    const limited = await new Browser().call(b, 'POST', '/api/session', {
      cloud: 'throttle',
      password: demo.credentials.password,
    });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
  });
});

describe('Redis going away and coming back', () => {
  it('answers 503 store_unavailable quickly while Redis is down, and heals without a restart', async () => {
    const clouds = [demoCloudConfig(demo, 'outage')];
    const a = await startReplica(clouds);
    const b = await startReplica(clouds);
    const browser = await signIn(a, { cloud: 'outage', password: demo.credentials.password });
    expect((await browser.call(b, 'GET', '/api/ready')).status).toBe(200);

    await redis.stop();
    try {
      for (const replica of [a, b]) {
        const checks = [
          await browser.call(replica, 'GET', '/api/token'),
          await browser.call(replica, 'POST', '/api/token/reissue', {}),
          await browser.call(replica, 'POST', '/api/session', {
            cloud: 'outage',
            password: demo.credentials.password,
          }),
          await browser.call(replica, 'GET', '/api/ready'),
        ];
        for (const answer of checks) {
          expect(answer.status, JSON.stringify(answer.body)).toBe(503);
          expect(answer.body.error.code).toBe('store_unavailable');
          expect(answer.ms).toBeLessThan(3000);
        }
        // A visitor's CSRF token needs no store (issue 13 item 2): the login page still loads.
        expect((await new Browser().call(replica, 'GET', '/api/csrf')).status).toBe(200);
        // The process itself is alive: orchestrators restart on health, route on ready.
        expect((await browser.call(replica, 'GET', '/api/health')).status).toBe(200);
      }
    } finally {
      await redis.start();
    }

    // Same port, empty Redis (no persistence): the replicas reconnect by themselves.
    for (const replica of [a, b]) {
      const waited = await waitFor(
        async () => (await new Browser().call(replica, 'GET', '/api/ready')).status === 200,
        10_000,
      );
      expect(waited).toBeLessThan(10_000);
    }
    const again = await signIn(b, { cloud: 'outage', password: demo.credentials.password });
    expect((await again.call(a, 'GET', '/api/token')).status).toBe(200);
    expect((await again.call(a, 'POST', '/api/token/reissue', {})).status).toBe(200);
  });
});
