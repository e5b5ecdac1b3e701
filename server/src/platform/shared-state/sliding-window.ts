/**
 * A sliding-window counter: at most `limit` hits per `windowMs` for one key. Shared by the token
 * budget and the login throttle. In memory for one BFF; in Redis (redis-sliding-window.ts) when
 * several replicas must count together.
 */
export interface SlidingWindow {
  /**
   * Records one hit for `key` at `now` if the window has room, and resolves to 0; otherwise records
   * nothing and resolves to the milliseconds until the oldest hit leaves the window (> 0).
   */
  hit(key: string, limit: number, windowMs: number, now: number): Promise<number>;
}

export class MemorySlidingWindow implements SlidingWindow {
  private readonly hits = new Map<string, number[]>();

  hit(key: string, limit: number, windowMs: number, now: number): Promise<number> {
    const windowStart = now - windowMs;
    const recent = (this.hits.get(key) ?? []).filter((at) => at > windowStart);
    if (recent.length >= limit) {
      this.hits.set(key, recent);
      return Promise.resolve(Math.max(1, recent[0]! - windowStart));
    }
    recent.push(now);
    this.hits.set(key, recent);
    // Bounded memory under a spray of distinct keys (addresses, usernames).
    if (this.hits.size > 10_000) this.forgetIdle(windowStart);
    return Promise.resolve(0);
  }

  private forgetIdle(windowStart: number): void {
    for (const [key, times] of this.hits) {
      if (times.every((at) => at <= windowStart)) this.hits.delete(key);
    }
  }
}
