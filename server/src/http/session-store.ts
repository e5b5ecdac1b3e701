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
import type { TokenLedgerStore } from '../auth/token-ledger.js';
import { RedisTokenLedger, redisSessionKeys, type RedisSessionKeys } from './redis-token-ledger.js';
import { DEFAULT_CLOSED_TTL_MS, SqliteSessionStore } from './sqlite-session-store.js';
import { SqliteTokenLedger } from './sqlite-token-ledger.js';

export interface OpenedSessionStore {
  store: session.Store;
  /** The sessions' token ledgers, in the same store and honouring the same tombstones. */
  ledger: TokenLedgerStore;
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
// KEYS[1] session, KEYS[2] its tombstone; ARGV[1] the record, ARGV[2] its lifetime (s).
const setUnlessClosedScript = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

// KEYS[1] session, KEYS[2] its tombstone, KEYS[3] its tokens' catalogs; ARGV[1] the tombstone's
// lifetime (ms). The catalogs belong to the session alone: they go with it, whatever ended it.
const destroyScript = `
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
return redis.call('DEL', KEYS[1], KEYS[3])`;

class RedisSessionStore extends RedisStore {
  constructor(
    private readonly redis: GuardedRedis,
    private readonly keys: RedisSessionKeys,
    private readonly defaultTtlSeconds: number,
  ) {
    super({ client: redis.client, prefix: keys.session(''), ttl: defaultTtlSeconds });
  }

  override get(sid: string, cb?: StoreCallback): Promise<unknown> {
    return settle(
      this.redis.send(() => super.get(sid)),
      cb,
    );
  }

  /**
   * A write of a destroyed session's id is refused in the same script that checks its tombstone
   * (docs/decisions/0010-atomic-session-writes.md): a request still in flight at sign-out cannot
   * write the session back.
   */
  override set(sid: string, sess: session.SessionData, cb?: StoreCallback): Promise<unknown> {
    const expires = sess.cookie?.expires ? new Date(sess.cookie.expires).getTime() : null;
    const ttlSeconds = expires === null ? this.defaultTtlSeconds : Math.ceil((expires - Date.now()) / 1000);
    if (ttlSeconds <= 0) return this.destroy(sid, cb);
    return settle(
      this.redis.send(async (client) => {
        const written = await client.eval(setUnlessClosedScript, {
          keys: [this.keys.session(sid), this.keys.closed(sid)],
          arguments: [JSON.stringify(sess), String(ttlSeconds)],
        });
        // A session cookie without expiry (the default) lives by the store's idle timeout.
        this.rememberExpiry(sid, expires ?? Date.now() + ttlSeconds * 1000);
        return written;
      }),
      cb,
    );
  }

  /**
   * Every request touches its session: as in the SQLite store, the expiry is only sent when
   * it moves by a tenth of the idle timeout or a minute, whichever is less (the stored expiry lags
   * the cookie's by at most that much). A touch skipped answers at once, so express-session also
   * writes the answer in one piece instead of holding its last byte for a Redis round trip.
   */
  override touch(sid: string, sess: session.SessionData, cb?: StoreCallback): Promise<unknown> {
    const expires = this.expiryOf(sess);
    const written = this.lastWrittenExpiry.get(sid);
    if (written !== undefined && Math.abs(expires - written) < this.touchGranularityMs) {
      cb?.(null);
      return Promise.resolve();
    }
    return settle(
      this.redis.send(async () => {
        await super.touch(sid, sess);
        this.rememberExpiry(sid, expires);
      }),
      cb,
    );
  }

  private readonly lastWrittenExpiry = new Map<string, number>();

  private get touchGranularityMs(): number {
    return Math.min(60_000, (this.defaultTtlSeconds * 1000) / 10);
  }

  private expiryOf(sess: session.SessionData): number {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + this.defaultTtlSeconds * 1000;
  }

  private rememberExpiry(sid: string, expires: number): void {
    // Bounded: forgetting an entry only costs one extra write.
    if (this.lastWrittenExpiry.size >= 100_000) this.lastWrittenExpiry.clear();
    this.lastWrittenExpiry.set(sid, expires);
  }

  /** Deletes the session and leaves its tombstone (sign-out, a new id at sign-in, a timeout). */
  override destroy(sid: string, cb?: StoreCallback): Promise<unknown> {
    this.lastWrittenExpiry.delete(sid);
    return settle(
      this.redis.send((client) =>
        client.eval(destroyScript, {
          keys: [this.keys.session(sid), this.keys.closed(sid), this.keys.catalogs(sid)],
          arguments: [String(DEFAULT_CLOSED_TTL_MS)],
        }),
      ),
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
    const keys = redisSessionKeys();
    const store = new RedisSessionStore(redis, keys, Math.ceil(config.sessionIdleTimeoutMs / 1000));
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
      ledger: new RedisTokenLedger(redis, keys, DEFAULT_CLOSED_TTL_MS),
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
    ledger: new SqliteTokenLedger(store),
    sharedState: createMemorySharedState(),
    description: `sqlite ${file}`,
    isReachable: async () => store.isReachable(),
    close: async () => store.close(),
  };
}
