import path from 'node:path';
import { RedisStore } from 'connect-redis';
import type session from 'express-session';
import { createClient } from 'redis';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import {
  createMemorySharedState,
  createRedisSharedState,
  type SharedState,
} from '../shared-state/shared-state.js';
import { SqliteSessionStore } from './sqlite-session-store.js';

export interface OpenedSessionStore {
  store: session.Store;
  isReachable(): Promise<boolean>;
  /** Rate windows and single flights, kept where the sessions are so replicas share them. */
  sharedState: SharedState;
  close(): Promise<void>;
  description: string;
}

/**
 * SQLite (embedded, the default: a file in DATA_DIR) or Redis (for several BFF replicas).
 * Express-session's MemoryStore is never used: it loses every session on restart and leaks.
 */
export async function openSessionStore(
  config: Pick<Config, 'sessionStore' | 'redisUrl' | 'dataDir' | 'sessionIdleTimeoutMs'>,
  logger: Logger,
): Promise<OpenedSessionStore> {
  if (config.sessionStore === 'redis' && config.redisUrl) {
    const client = createClient({
      url: config.redisUrl,
      socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(200 * 2 ** retries, 5000) },
      // Fail requests fast while Redis is down (503 store_unavailable) instead of queueing them.
      disableOfflineQueue: true,
    });
    client.on('error', (error: Error) => logger.warn({ err: { message: error.message } }, 'redis error'));
    await client.connect();
    const store = new RedisStore({
      client,
      prefix: 'api-access:sess:',
      ttl: Math.ceil(config.sessionIdleTimeoutMs / 1000),
    });
    return {
      store,
      sharedState: createRedisSharedState(client),
      description: `redis ${new URL(config.redisUrl).host}`,
      isReachable: async () => {
        try {
          return client.isReady && (await client.ping()) === 'PONG';
        } catch {
          return false;
        }
      },
      close: async () => {
        if (client.isOpen) await client.close();
      },
    };
  }
  const file = path.join(config.dataDir, 'sessions.db');
  const store = new SqliteSessionStore(file, { defaultTtlMs: config.sessionIdleTimeoutMs });
  return {
    store,
    sharedState: createMemorySharedState(),
    description: `sqlite ${file}`,
    isReachable: async () => store.isReachable(),
    close: async () => store.close(),
  };
}
