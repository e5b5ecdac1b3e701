import { RateLimitedError } from '../../errors.js';

/**
 * Keeps each user's token creations under a budget per sliding minute, well below the providers'
 * own limits (OVH: 60 per minute per user, then HTTP 429), so one operator clicking Reissue can
 * never get a whole account throttled.
 */
export class TokenBudget {
  private readonly creations = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one creation for `key`, or throws rate_limited with the seconds until one is free. */
  spend(key: string): void {
    const now = this.now();
    const windowStart = now - 60_000;
    const recent = (this.creations.get(key) ?? []).filter((at) => at > windowStart);
    if (recent.length >= this.perMinute) {
      const retryAfter = Math.max(1, Math.ceil((recent[0]! - windowStart) / 1000));
      this.creations.set(key, recent);
      throw new RateLimitedError(
        `Too many tokens created for this user in the last minute. Try again in ${retryAfter} s.`,
        retryAfter,
      );
    }
    recent.push(now);
    this.creations.set(key, recent);
    if (this.creations.size > 10_000) this.forgetIdle(windowStart);
  }

  private forgetIdle(windowStart: number): void {
    for (const [key, times] of this.creations) {
      if (times.every((at) => at <= windowStart)) this.creations.delete(key);
    }
  }
}
