import type { Store } from 'express-rate-limit';
import { SingleFlight, type Flight } from './single-flight.js';
import type { GuardedRedis } from './guarded-redis.js';
import { createRedisRateLimitStore } from './redis-rate-limit-store.js';
import { RedisSingleFlight } from './redis-single-flight.js';
import { RedisSlidingWindow } from './redis-sliding-window.js';
import { MemorySlidingWindow, type SlidingWindow } from './sliding-window.js';

/**
 * The state that must be one for every replica serving the same users: rate-limit windows (token
 * budget, login throttle) and single flights (token renewal). In memory with the SQLite store
 * (one process), in Redis with the Redis store (docs/decisions/0006-shared-state-in-redis.md).
 */
export interface SharedState {
  readonly kind: 'memory' | 'redis';
  readonly window: SlidingWindow;
  /**
   * `lockTtlMs`: the longest one run may take; a dead owner's lock is free again after it.
   * `settledTtlMs`: how long a successful result still answers late callers with the same key.
   */
  createFlight<T>(name: string, lockTtlMs: number, settledTtlMs?: number): Flight<T>;
  /**
   * A store for one express-rate-limit limiter (each needs its own): undefined in memory, where
   * the limiter's own MemoryStore serves; rate-limit-redis beside a Redis store.
   */
  createRateLimitStore(name: string): Store | undefined;
}

export function createMemorySharedState(): SharedState {
  return {
    kind: 'memory',
    window: new MemorySlidingWindow(),
    createFlight: <T>(_name: string, _lockTtlMs: number, settledTtlMs = 0) =>
      new SingleFlight<T>(settledTtlMs),
    createRateLimitStore: () => undefined,
  };
}

export function createRedisSharedState(redis: GuardedRedis, prefix = 'api-access:'): SharedState {
  return {
    kind: 'redis',
    window: new RedisSlidingWindow(redis, `${prefix}rate:`),
    createFlight: <T>(name: string, lockTtlMs: number, settledTtlMs = 0) =>
      new RedisSingleFlight<T>(redis, { prefix: `${prefix}flight:${name}:`, lockTtlMs, settledTtlMs }),
    createRateLimitStore: (name: string) => createRedisRateLimitStore(redis, `${prefix}limit:${name}:`),
  };
}
