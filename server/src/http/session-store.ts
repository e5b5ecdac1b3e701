import path from 'node:path';
import { RedisStore } from 'connect-redis';
import type session from 'express-session';
import { createClient } from 'redis';
import type { Config } from '../config/config.js';
import type { Logger } from '../platform/logger.js';
import { GuardedRedis } from '../platform/shared-state/guarded-redis.js';
import {
  createMemorySharedState,
  createRedisSharedState,
  type SharedState,
} from '../platform/shared-state/shared-state.js';
import { SqliteSessionStore } from './sqlite-session-store.js';

export interface OpenedSessionStore {
  store: session.Store;
  isReachable(): Promise<boolean>;
  /** Rate windows and single flights, kept where the sessions are so replicas share them. */
  sharedState: SharedState;
  close(): Promise<void>;
  description: string;
}

/** connect-redis's callback type, which express-session's Store accepts. */
type StoreCallback = NonNullable<Parameters<RedisStore['get']>[1]>;

/** Promise or callback, as express-session's Store allows; the callback is called once, outside the try. */
async function settle(result: Promise<unknown>, cb?: StoreCallback): Promise<unknown> {
  let data: unknown;
  try {
    data = await result;
  } catch (error) {
    if (cb) return cb(error);
    throw error;
  }
  return cb ? cb(null, data) : data;
}

/**
 * connect-redis, its session reads and writes sent like the shared state's commands (GuardedRedis):
 * while Redis hangs, loading or saving a session fails with 503 store_unavailable within the
 * command deadline, then at once, instead of holding the request for as long as Redis hangs.
 */
class RedisSessionStore extends RedisStore {
  constructor(
    private readonly redis: GuardedRedis,
    options: Omit<ConstructorParameters<typeof RedisStore>[0], 'client'>,
  ) {
    super({ ...options, client: redis.client });
  }

  override get(sid: string, cb?: StoreCallback): Promise<unknown> {
    return settle(
      this.redis.send(() => super.get(sid)),
      cb,
    );
  }

  override set(sid: string, sess: session.SessionData, cb?: StoreCallback): Promise<unknown> {
    return settle(
      this.redis.send(() => super.set(sid, sess)),
      cb,
    );
  }

  override touch(sid: string, sess: session.SessionData, cb?: StoreCallback): Promise<unknown> {
    return settle(
      this.redis.send(() => super.touch(sid, sess)),
      cb,
    );
  }

  override destroy(sid: string, cb?: StoreCallback): Promise<unknown> {
    return settle(
      this.redis.send(() => super.destroy(sid)),
      cb,
    );
  }
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
      // A Redis that hangs is GuardedRedis's business: node-redis has no deadline for that.
      disableOfflineQueue: true,
    });
    client.on('error', (error: Error) => logger.warn({ err: { message: error.message } }, 'redis error'));
    await client.connect();
    const redis = new GuardedRedis(client);
    const store = new RedisSessionStore(redis, {
      prefix: 'api-access:sess:',
      ttl: Math.ceil(config.sessionIdleTimeoutMs / 1000),
    });
    const isReachable = async () => {
      if (!client.isReady) return false;
      try {
        return (await redis.send((redisClient) => redisClient.ping())) === 'PONG';
      } catch {
        return false;
      }
    };
    return {
      store,
      sharedState: createRedisSharedState(redis),
      description: `redis ${new URL(config.redisUrl).host}`,
      isReachable,
      close: async () => {
        if (!client.isOpen) return;
        // close() waits for every pending reply, forever if Redis hangs: then drop them instead.
        if (await isReachable()) await client.close();
        else client.destroy();
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
