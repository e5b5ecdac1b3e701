import { RateLimitedError } from '../platform/errors.js';
import { MemorySlidingWindow, type SlidingWindow } from '../platform/shared-state/sliding-window.js';

/**
 * Keeps each user's token creations under a budget per sliding minute, well below the providers'
 * own limits (OVH: 60 per minute per user, then HTTP 429), so one operator clicking Reissue can
 * never get a whole account throttled. With Redis, the window is shared by every replica.
 */
export class TokenBudget {
  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly window: SlidingWindow = new MemorySlidingWindow(),
  ) {}

  /** Records one creation for `key`, or throws rate_limited with the seconds until one is free. */
  async spend(key: string): Promise<void> {
    const waitMs = await this.window.hit(`token:${key}`, this.perMinute, 60_000, this.now());
    if (waitMs > 0) {
      const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
      throw new RateLimitedError(
        `Too many tokens created for this user in the last minute. Try again in ${retryAfter} s.`,
        retryAfter,
      );
    }
  }
}
