import { randomBytes } from 'node:crypto';
import type { GuardedRedis } from './guarded-redis.js';
import type { SlidingWindow } from './sliding-window.js';

/**
 * The sliding window in one sorted set per key (score = time of the hit), checked and updated
 * atomically by a Lua script, so replicas sharing the Redis share the count. Each set expires with
 * its window, so idle keys cost nothing.
 */
const hitScript = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) - (now - window))
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, window)
return 0
`;

export class RedisSlidingWindow implements SlidingWindow {
  constructor(
    private readonly redis: GuardedRedis,
    private readonly prefix = 'api-access:rate:',
  ) {}

  async hit(key: string, limit: number, windowMs: number, now: number): Promise<number> {
    const reply = await this.redis.send((client) =>
      client.eval(hitScript, {
        keys: [this.prefix + key],
        arguments: [
          String(Math.floor(now)),
          String(windowMs),
          String(limit),
          `${now}-${randomBytes(6).toString('hex')}`,
        ],
      }),
    );
    return Number(reply);
  }
}
