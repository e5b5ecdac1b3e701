import type { Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { GuardedRedis } from './guarded-redis.js';

/**
 * express-rate-limit's counters in Redis (rate-limit-redis), sent through GuardedRedis like every
 * other command of the BFF: Redis down or hanging is 503 store_unavailable within the deadline.
 * Replicas sharing the Redis share the counts.
 */
class GuardedRedisRateLimitStore extends RedisStore {
  /**
   * rate-limit-redis loads its script when the limiter is created and again on a NOSCRIPT reply,
   * but GuardedRedis turns every failure into store_unavailable, so it never sees one (a Redis that
   * restarted empty), and a load that failed at start would fail every later call with the same
   * rejected promise. So after any failure: load the script again and retry once. Redis down or
   * hanging fails the retry at once (GuardedRedis refuses unsent), so this costs nothing then.
   */
  override async increment(key: string) {
    try {
      return await super.increment(key);
    } catch {
      this.incrementScriptSha = this.loadIncrementScript();
      return await super.increment(key);
    }
  }
}

export function createRedisRateLimitStore(redis: GuardedRedis, prefix: string): Store {
  return new GuardedRedisRateLimitStore({
    prefix,
    sendCommand: (...args: string[]) =>
      redis.send((client) => client.sendCommand(args) as Promise<RedisReply>),
  });
}
