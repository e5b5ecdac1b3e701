import type { Request, RequestHandler } from 'express';
import type { CloudRegistry } from '../../config/clouds-config.js';
import { RateLimitedError } from '../../platform/errors.js';
import type { SlidingWindow } from '../../platform/shared-state/sliding-window.js';

export interface LoginThrottleOptions {
  clouds: CloudRegistry;
  window: SlidingWindow;
  perAddressPerMinute: number;
  perUsernamePerMinute: number;
  now?: () => number;
}

const WINDOW_MS = 60_000;

/**
 * Against password guessing through us: every sign-in attempt, failed or successful, well formed
 * or not, counts against the client address (req.ip: the peer, or with TRUST_PROXY the address the
 * trusted proxies forwarded) and against the username it targets, per sliding minute. Over either
 * budget: 429 rate_limited with Retry-After, and Keystone is not called. A refused attempt is not
 * counted, so a client that waits gets in again after the window.
 */
export function createLoginThrottle(options: LoginThrottleOptions): RequestHandler {
  const now = options.now ?? Date.now;
  return async (req, _res, next) => {
    const at = now();
    const addressWait = await options.window.hit(
      `login:addr:${req.ip ?? 'unknown'}`,
      options.perAddressPerMinute,
      WINDOW_MS,
      at,
    );
    if (addressWait > 0) throw refusal(addressWait, 'from this address');
    const username = targetedUser(req, options.clouds);
    if (username) {
      const userWait = await options.window.hit(
        `login:user:${username}`,
        options.perUsernamePerMinute,
        WINDOW_MS,
        at,
      );
      if (userWait > 0) throw refusal(userWait, 'for this user');
    }
    next();
  };
}

function refusal(waitMs: number, scope: string): RateLimitedError {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  return new RateLimitedError(
    `Too many sign-in attempts ${scope}. Try again in ${retryAfter} s.`,
    retryAfter,
  );
}

/**
 * "cloud:user" as the attempt names it: the username (case folded, so case variants share one
 * budget) or user id, else the cloud's default from clouds.yaml, as the login itself would use.
 */
function targetedUser(req: Request, clouds: CloudRegistry): string | null {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return null;
  const field = (name: string): string | undefined => {
    const value = (body as Record<string, unknown>)[name];
    return typeof value === 'string' && value.length > 0 ? value.slice(0, 256) : undefined;
  };
  const cloudName = field('cloud');
  if (!cloudName) return null;
  const defaults = clouds.find(cloudName)?.defaults;
  const username = field('username');
  const userId = field('userId');
  // An application credential by id names no user: its id is what a guesser targets.
  const appCredentialId = field('applicationCredentialId') ?? defaults?.applicationCredentialId;
  const user = username
    ? `name:${username.trim().toLowerCase()}`
    : userId
      ? `id:${userId}`
      : appCredentialId && field('applicationCredentialSecret')
        ? `appcred:${appCredentialId}`
        : defaults?.username
          ? `name:${defaults.username.trim().toLowerCase()}`
          : defaults?.userId
            ? `id:${defaults.userId}`
            : null;
  return user ? `${cloudName}:${user}` : null;
}
