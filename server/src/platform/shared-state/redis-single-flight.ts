import { randomBytes } from 'node:crypto';
import { StoreUnavailableError } from '../errors.js';
import { SingleFlight, type Flight } from './single-flight.js';
import type { GuardedRedis } from './guarded-redis.js';

export interface RedisSingleFlightOptions {
  /** Key prefix of the locks and results. */
  prefix: string;
  /** How long a lock holds if its owner dies mid-flight; longer than any honest run of `work`. */
  lockTtlMs: number;
  /** How long a published result stays readable for the replicas that waited for it. */
  resultTtlMs?: number;
  /** How long a result still answers callers that come just after the run (see SingleFlight). */
  settledTtlMs?: number;
  pollMs?: number;
}

/** Returns nil when the lock was taken by us, else the flight id of the current owner. */
const acquireScript = `
local owner = redis.call('GET', KEYS[1])
if owner then return owner end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
`;

/** Deletes the lock only if it is still ours (it may have expired and been taken by another). */
const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Single flight across BFF replicas (docs/decisions/0006-shared-state-in-redis.md). Within one
 * process, concurrent callers share a promise as before; across processes, the first to take a
 * short Redis lock (SET NX PX, one per key) runs `work` and publishes its JSON result under the
 * lock's flight id; the others poll for that result instead of calling Keystone themselves. If the
 * owner fails (no result, lock gone), a waiter takes the lock and runs `work` itself: a failure is
 * never shared, so no error needs to travel between replicas. Results must be JSON-serializable
 * and hold no secret in clear (renewals hold sealed tokens only).
 */
export class RedisSingleFlight<T> implements Flight<T> {
  private readonly local: SingleFlight<T>;
  private readonly resultTtlMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly redis: GuardedRedis,
    private readonly options: RedisSingleFlightOptions,
  ) {
    this.local = new SingleFlight<T>(options.settledTtlMs ?? 0);
    this.resultTtlMs = options.resultTtlMs ?? 30_000;
    this.pollMs = options.pollMs ?? 25;
  }

  run(key: string, work: () => Promise<T>, acceptSettled?: (result: T) => boolean): Promise<T> {
    return this.local.run(key, () => this.runShared(key, work, acceptSettled), acceptSettled);
  }

  private async runShared(
    key: string,
    work: () => Promise<T>,
    acceptSettled?: (result: T) => boolean,
  ): Promise<T> {
    const lockKey = `${this.options.prefix}${key}`;
    const settledKey = `${lockKey}:settled`;
    if (this.options.settledTtlMs) {
      const settled = await this.redis.send((client) => client.get(settledKey));
      if (settled !== null && settled !== undefined) {
        const result = JSON.parse(String(settled)) as T;
        if (acceptSettled?.(result)) return result;
      }
    }
    const deadline = Date.now() + this.options.lockTtlMs + 1000;
    while (Date.now() < deadline) {
      const flightId = randomBytes(12).toString('hex');
      const owner = await this.redis.send((client) =>
        client.eval(acquireScript, {
          keys: [lockKey],
          arguments: [flightId, String(this.options.lockTtlMs)],
        }),
      );
      if (owner === null) return this.runAsOwner(lockKey, flightId, work);
      const result = await this.waitForResult(lockKey, String(owner), deadline);
      if (result !== undefined) return result;
      // The owner failed or died: try to take the lock ourselves.
    }
    throw new StoreUnavailableError('Another replica holds this session busy. Try again shortly.');
  }

  private async runAsOwner(lockKey: string, flightId: string, work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      const json = JSON.stringify(result);
      await this.redis.send((client) =>
        client.set(`${lockKey}:${flightId}`, json, {
          expiration: { type: 'PX', value: this.resultTtlMs },
        }),
      );
      if (this.options.settledTtlMs) {
        const settledTtlMs = this.options.settledTtlMs;
        await this.redis.send((client) =>
          client.set(`${lockKey}:settled`, json, { expiration: { type: 'PX', value: settledTtlMs } }),
        );
      }
      return result;
    } finally {
      // Best effort, within the deadline: a lock left behind (Redis down or hanging now) expires
      // by itself after lockTtlMs.
      await this.redis
        .send((client) => client.eval(releaseScript, { keys: [lockKey], arguments: [flightId] }))
        .catch(() => undefined);
    }
  }

  /** The owner's result; undefined once the owner let go of the lock without publishing one. */
  private async waitForResult(lockKey: string, owner: string, deadline: number): Promise<T | undefined> {
    while (Date.now() < deadline) {
      const [result, current] = await this.redis.send((client) =>
        client.mGet([`${lockKey}:${owner}`, lockKey]),
      );
      if (result !== null && result !== undefined) return JSON.parse(String(result)) as T;
      if (current !== owner) return undefined;
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
    return undefined;
  }
}
