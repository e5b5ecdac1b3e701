import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll } from 'vitest';
import type session from 'express-session';
import { createApp, type AppConfig } from '../../src/app.js';
import { createCloudRegistry, type CloudConfig } from '../../src/config/clouds-config.js';
import { openSessionStore } from '../../src/http/session-store.js';
import { createLogger } from '../../src/platform/logger.js';

export interface TestApp {
  url: string;
  dataDir: string;
  /** Every log line the app wrote, as text: tests search it for secrets. */
  logs: () => string;
  /** The session store: SQLite in DATA_DIR, or Redis when `redisUrl` was given. */
  store: session.Store;
  close(): Promise<void>;
}

export const testSecret = 'test-secret-that-is-long-enough-for-hkdf-0123456789';

/** The real app, in-process on 127.0.0.1 port 0, with a SQLite store in a temp (or given) data dir. */
export async function startTestApp(
  clouds: CloudConfig[],
  overrides: Partial<AppConfig> & {
    dataDir?: string;
    now?: () => number;
    redisUrl?: string;
    logLevel?: string;
    loginThrottleWindowMs?: number;
    /** SESSION_SECRET's list (the first seals and signs); testSecret alone by default. */
    secrets?: string[];
  } = {},
): Promise<TestApp> {
  const dataDir = overrides.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'api-access-test-'));
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger(overrides.logLevel ?? 'debug', sink);
  const config = testAppConfig(dataDir, overrides);
  // As in production: the store's default lifetime is the idle timeout.
  const opened = await openSessionStore(
    {
      sessionStore: overrides.redisUrl ? 'redis' : 'sqlite',
      redisUrl: overrides.redisUrl ?? null,
      dataDir,
      sessionIdleTimeoutMs: config.sessionIdleTimeoutMs,
    },
    logger,
  );
  const app = createApp({
    config,
    clouds: createCloudRegistry(clouds, null),
    sessionStore: opened.store,
    ledgerStore: opened.ledger,
    sharedState: opened.sharedState,
    isStoreReachable: opened.isReachable,
    secrets: overrides.secrets ?? [testSecret],
    logger,
    ...(overrides.now ? { now: overrides.now } : {}),
    ...(overrides.loginThrottleWindowMs ? { loginThrottleWindowMs: overrides.loginThrottleWindowMs } : {}),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    logs: () => lines.join(''),
    store: opened.store,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await opened.close();
    },
  };
}

/** The app settings every test starts from: generous limits, no static files, short timeouts. */
export function testAppConfig(dataDir: string, overrides: Partial<AppConfig> = {}): AppConfig {
  const {
    dataDir: _dataDir,
    now: _now,
    redisUrl: _redisUrl,
    logLevel: _logLevel,
    loginThrottleWindowMs: _loginThrottleWindowMs,
    secrets: _secrets,
    ...appOverrides
  } = overrides as Partial<AppConfig> & {
    dataDir?: string;
    now?: () => number;
    redisUrl?: string;
    logLevel?: string;
    loginThrottleWindowMs?: number;
    secrets?: string[];
  };
  return {
    sessionIdleTimeoutMs: 3_600_000,
    sessionAbsoluteTimeoutMs: 24 * 3_600_000,
    keepPasswordForReissue: true,
    upstreamTimeoutMs: 5_000,
    tokenCreationsPerMinute: 1000,
    // Tests sign in far more often than a person; the throttle's own tests set these low.
    loginAttemptsPerMinutePerAddress: 100_000,
    loginAttemptsPerMinutePerUsername: 100_000,
    secureCookies: false,
    trustProxy: false,
    staticDir: path.join(dataDir, 'no-static'),
    // Only the WebSSO callback URL is built from it; e2e's BFF listens there (E2E_PORT's default).
    publicUrl: 'http://127.0.0.1:8181',
    ...appOverrides,
  };
}

/**
 * startTestApp for one test file: every app it starts is closed after the file's tests
 * (registers the afterAll hook; call it at the top level of the file).
 */
export function testAppsClosedAfterAll(): (...args: Parameters<typeof startTestApp>) => Promise<TestApp> {
  const running: TestApp[] = [];
  afterAll(async () => {
    for (const app of running.splice(0)) await app.close();
  });
  return async (...args) => {
    const app = await startTestApp(...args);
    running.push(app);
    return app;
  };
}
