import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createCloudRegistry } from '../../src/config/clouds-config.js';
import type { TokenInfo } from '../../src/contract/token.js';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { StoreUnavailableError } from '../../src/platform/errors.js';
import { createLogger } from '../../src/platform/logger.js';
import { GuardedRedis, redisCommandTimeoutMs } from '../../src/platform/shared-state/guarded-redis.js';
import { createRedisSharedState } from '../../src/platform/shared-state/shared-state.js';
import { ApiSession, type ApiAnswer } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { testAppConfig, testSecret } from '../support/test-app.js';
import { openSessionStore, type OpenedSessionStore } from '../../src/http/session-store.js';

/**
 * A Redis that hangs (SIGSTOP: the connections stay open, nothing answers) must not hang the BFF:
 * every request that needs the store answers 503 store_unavailable within the command deadline
 * (the first one to meet the hang) or at once (the ones after it: Redis is known to hang),
 * /api/ready says not ready, /api/health stays up, and once Redis answers again (SIGCONT) the same
 * sessions work without a restart, each still getting its own data, none deleted or overwritten
 * by a command that waited for the hang to end.
 */

/** The deadline plus slack for the HTTP round trip and a loaded CI machine. */
const boundMs = redisCommandTimeoutMs + 1500;

let redis: TestRedis | undefined;
let demo: DemoCloud | undefined;
let store: OpenedSessionStore | undefined;
let close: (() => Promise<void>) | undefined;
let baseUrl: string;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  redis = await startTestRedis();
  demo = await startDemoCloud({ profile: 'default' });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-access-redis-hang-'));
  const logger = createLogger('silent');
  const config = testAppConfig(dataDir);
  const opened = await openSessionStore(
    {
      sessionStore: 'redis',
      redisUrl: redis.url,
      dataDir,
      sessionIdleTimeoutMs: config.sessionIdleTimeoutMs,
    },
    logger,
  );
  store = opened;
  const app = createApp({
    config,
    clouds: createCloudRegistry([demoCloudConfig(demo, 'demo')], null),
    sessionStore: opened.store,
    ledgerStore: opened.ledger,
    isStoreReachable: opened.isReachable,
    sharedState: opened.sharedState,
    secrets: [testSecret],
    logger,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
});

afterAll(async () => {
  // Whatever failed above: a paused redis-server would outlive the run.
  redis?.resume();
  await close?.();
  await store?.close();
  await demo?.close();
  await redis?.stop();
  process.off('unhandledRejection', onUnhandled);
});

/** The answer and how long it took; a request still hanging after 10 s fails the test here. */
async function timed<T>(call: Promise<ApiAnswer<T>>): Promise<ApiAnswer<T> & { ms: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const hanging = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('no answer within 10 s: the request hangs')), 10_000);
  });
  try {
    const answer = await Promise.race([call, hanging]);
    return { ...answer, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

function expectStoreUnavailable(answer: ApiAnswer<any> & { ms: number }): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(503);
  expect(answer.body.error.code).toBe('store_unavailable');
  expect(answer.ms).toBeLessThan(boundMs);
}

async function signIn(): Promise<ApiSession> {
  const session = new ApiSession(baseUrl);
  const answer = await session.post('/api/session', { cloud: 'demo', password: demo!.credentials.password });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  await session.refreshCsrfToken(); // rotated with the new session id
  return session;
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitUntilReady(timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const ready = await timed(new ApiSession(baseUrl).get('/api/ready')).catch(() => null);
    if (ready?.status === 200) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not ready within ${timeoutMs} ms of Redis answering again`);
}

describe('a Redis that hangs', () => {
  it('answers 503 store_unavailable within the deadline, and the same sessions work once it answers', async () => {
    const alice = await signIn();
    const bob = await signIn();
    const aliceToken = (await alice.get<TokenInfo>('/api/token')).body.id;
    const bobToken = (await bob.get<TokenInfo>('/api/token')).body.id;
    expect(aliceToken).not.toBe(bobToken);
    expect((await alice.get('/api/ready')).status).toBe(200);

    let first: ApiAnswer & { ms: number };
    let burst: (ApiAnswer & { ms: number })[];
    redis!.pause();
    try {
      // The first request to meet the hang waits out the deadline...
      first = await timed(alice.get('/api/token'));
      expectStoreUnavailable(first);
      expect(first.ms).toBeGreaterThanOrEqual(redisCommandTimeoutMs - 100);
      // ...the ones after it are refused at once, none stuck behind another.
      burst = await Promise.all([
        timed(alice.get('/api/token')),
        // A sign-in attempt on the signed-in browser (cookie and CSRF token at hand).
        timed(alice.post('/api/session', { cloud: 'demo', password: demo!.credentials.password })),
        timed(alice.post('/api/token/reissue')),
        timed(bob.get('/api/token')),
        timed(bob.get('/api/networks')),
        timed(new ApiSession(baseUrl).get('/api/ready')),
      ]);
      for (const answer of burst) {
        expectStoreUnavailable(answer);
        expect(answer.ms).toBeLessThan(1000);
      }
      // A new visitor's first step needs no store (issue 13 item 2): the login page still loads.
      const csrf = await timed(new ApiSession(baseUrl).get('/api/csrf'));
      expect(csrf.status).toBe(200);
      expect(csrf.ms).toBeLessThan(1000);
      // The process itself is fine: an orchestrator must not restart it, only stop routing to it.
      const health = await timed(new ApiSession(baseUrl).get('/api/health'));
      expect(health.status).toBe(200);
      expect(health.ms).toBeLessThan(1000);
    } finally {
      redis!.resume();
    }

    // Redis now answers the commands it had been sent; their late replies belong to requests that
    // were answered long ago and must not reach the requests that come now.
    const readyAfterMs = await waitUntilReady(5000);
    expect(readyAfterMs).toBeLessThan(5000);
    // The figures of docs/security.md.
    console.log(
      `redis-hang: first 503 in ${first.ms} ms, then 503 in at most ${Math.max(...burst.map((answer) => answer.ms))} ms; ready again ${readyAfterMs} ms after SIGCONT`,
    );
    const aliceAgain = await timed(alice.get<TokenInfo>('/api/token'));
    expect(aliceAgain.status, JSON.stringify(aliceAgain.body)).toBe(200);
    expect(aliceAgain.body.id).toBe(aliceToken);
    const bobAgain = await timed(bob.get<TokenInfo>('/api/token'));
    expect(bobAgain.status).toBe(200);
    expect(bobAgain.body.id).toBe(bobToken);
    // Writes (session, token budget, single flight) work again too.
    const reissued = await timed(alice.post<TokenInfo>('/api/token/reissue'));
    expect(reissued.status, JSON.stringify(reissued.body)).toBe(200);
    expect(reissued.body.id).not.toBe(aliceToken);
    expect((await bob.get<TokenInfo>('/api/token')).body.id).toBe(bobToken);
    await signIn();
    expect(unhandled).toEqual([]);
  });

  it('bounds each shared-state command (rate window, single flight) by its own deadline', async () => {
    const client = createClient({ url: redis!.url, disableOfflineQueue: true });
    await client.connect();
    try {
      // A fresh guard per attempt: each meets the hang itself instead of being refused at once.
      const attempts = [
        (redisGuard: GuardedRedis) =>
          createRedisSharedState(redisGuard, 'hang-test:').window.hit('key', 10, 60_000, Date.now()),
        (redisGuard: GuardedRedis) =>
          createRedisSharedState(redisGuard, 'hang-test:')
            .createFlight<string>('flight', 5000, 1000)
            .run('key', async () => 'never published'),
      ];
      redis!.pause();
      const guards: GuardedRedis[] = [];
      try {
        for (const attempt of attempts) {
          const guard = new GuardedRedis(client);
          guards.push(guard);
          const started = Date.now();
          await expect(attempt(guard)).rejects.toBeInstanceOf(StoreUnavailableError);
          expect(Date.now() - started).toBeLessThan(boundMs);
          expect(guard.isHanging).toBe(true);
          const refusedAt = Date.now();
          await expect(attempt(guard)).rejects.toBeInstanceOf(StoreUnavailableError);
          expect(Date.now() - refusedAt).toBeLessThan(100);
        }
      } finally {
        redis!.resume();
      }
      await waitFor(() => guards.every((guard) => !guard.isHanging), 5000);
      // Each guard is itself again: the same commands go through.
      expect(await attempts[0]!(guards[0]!)).toBe(0);
      const flight = createRedisSharedState(guards[1]!, 'hang-test:').createFlight<string>('flight', 5000);
      expect(await flight.run('other-key', async () => 'after')).toBe('after');
    } finally {
      client.destroy();
    }
    expect(unhandled).toEqual([]);
  });

  it('closes within the deadline while Redis hangs (graceful shutdown does not wait for it)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-access-redis-hang-'));
    const opened = await openSessionStore(
      { sessionStore: 'redis', redisUrl: redis!.url, dataDir, sessionIdleTimeoutMs: 60_000 },
      createLogger('silent'),
    );
    redis!.pause();
    try {
      // A command still waiting for its reply: close() alone would wait for it as long as Redis hangs.
      const waiting = opened.sharedState.window.hit('closing', 10, 60_000, Date.now()).then(
        () => 'answered',
        (error: unknown) => error,
      );
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        opened.close(),
        new Promise((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error('close() still waiting after 10 s')), 10_000);
        }),
      ]).finally(() => clearTimeout(timer));
      expect(Date.now() - started).toBeLessThan(boundMs);
      expect(await waiting).toBeInstanceOf(StoreUnavailableError);
    } finally {
      redis!.resume();
    }
    expect(unhandled).toEqual([]);
  });
});
