import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type RateLimitInfo, type Store } from 'express-rate-limit';
import type { CloudRegistry } from '../../config/clouds-config.js';
import { loginRequestSchema, mfaRequestSchema } from '../../contract/session.js';
import {
  InvalidCredentialsError,
  PasscodeAttemptsExhaustedError,
  RateLimitedError,
} from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import { mergeWithDefaults } from './login-defaults.js';

export interface LoginThrottleOptions {
  clouds: CloudRegistry;
  /** One store per limiter (express-rate-limit refuses to share one); undefined: in memory. */
  createStore: (name: string) => Store | undefined;
  perAddressPerMinute: number;
  perUsernamePerMinute: number;
  logger: Logger;
  /** A minute; shorter in tests. */
  windowMs?: number;
}

export interface LoginThrottle {
  /** Before POST /session and /session/mfa. */
  limit: RequestHandler[];
  /** An error handler after the routes: notes a failed credential check for the limiters. */
  recordFailure: ErrorRequestHandler;
}

/** IPv6 clients are counted per /64: one host or one LAN gets a /64 and can pick any address in it. */
const IPV6_PREFIX_LENGTH = 64;

interface LoginTarget {
  /** "cloud:user" the attempt names; null when it names none (or is not a valid request). */
  user: string | null;
  isValid: boolean;
}

/**
 * Against password (and passcode) guessing through us, with express-rate-limit: only **failed
 * credential checks** count (Keystone refused the password, secret or passcode; the fifth wrong
 * passcode of a receipt), per client address (req.ip: the peer, or with TRUST_PROXY the address
 * the trusted proxies forwarded; IPv6 by /64) and per user of a cloud (case folded), per minute.
 * Over either budget: 429 rate_limited with Retry-After, and Keystone is not called.
 *
 * A request that fails input validation is not counted at all (it is checked with the same schema
 * first), and a successful sign-in is taken back once it answered (`skipSuccessfulRequests`):
 * successful sign-ins are bounded by the token budget alone, so neither a script naming a user
 * without a password nor a user opening several tabs can lock that user out (issue 13 item 1).
 * The windows are fixed minutes, in Redis beside a Redis store so replicas share them
 * (docs/decisions/0011-login-throttle-csrf-and-headers-from-libraries.md).
 */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const windowMs = options.windowMs ?? 60_000;
  const limiter = (
    name: string,
    limit: number,
    keyOf: (req: Request, target: LoginTarget) => string | null,
    scope: string,
  ): RequestHandler => {
    const propertyName = `loginLimit_${name}`;
    const store = options.createStore(`login-${name}`);
    return rateLimit({
      windowMs,
      limit,
      ...(store ? { store } : {}),
      requestPropertyName: propertyName,
      skip: (req, res) => keyOf(req, targetOf(res)) === null,
      keyGenerator: (req, res) => keyOf(req, targetOf(res)) ?? '',
      // Counted when the request starts (so a burst in flight counts too), taken back when it
      // ends other than by a failed credential check.
      skipSuccessfulRequests: true,
      requestWasSuccessful: (_req, res) => res.locals.isFailedCredentialCheck !== true,
      handler: (req, _res, next) => {
        const info = (req as unknown as Record<string, RateLimitInfo | undefined>)[propertyName];
        const waitMs = info?.resetTime ? info.resetTime.getTime() - Date.now() : windowMs;
        next(refusal(waitMs, scope));
      },
      standardHeaders: false,
      legacyHeaders: false,
      // Our own logger, not the console. X-Forwarded-For is trusted or not by TRUST_PROXY, which
      // config validates (never `true`): a header the BFF ignores by design is no misconfiguration.
      logger: options.logger,
      validate: { xForwardedForHeader: false },
    });
  };

  const findTarget: RequestHandler = (req, res, next) => {
    res.locals.loginTarget = loginTarget(req, options.clouds);
    next();
  };

  return {
    limit: [
      findTarget,
      limiter(
        'address',
        options.perAddressPerMinute,
        (req, target) => (target.isValid ? ipKeyGenerator(req.ip ?? 'unknown', IPV6_PREFIX_LENGTH) : null),
        'from this address',
      ),
      limiter('user', options.perUsernamePerMinute, (_req, target) => target.user, 'for this user'),
    ],
    recordFailure: (error: unknown, _req, res, next) => {
      if (error instanceof InvalidCredentialsError || error instanceof PasscodeAttemptsExhaustedError)
        res.locals.isFailedCredentialCheck = true;
      next(error);
    },
  };
}

function targetOf(res: Response): LoginTarget {
  return (res.locals.loginTarget as LoginTarget | undefined) ?? { user: null, isValid: false };
}

function refusal(waitMs: number, scope: string): RateLimitedError {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  return new RateLimitedError(
    `Too many failed sign-in attempts ${scope}. Try again in ${retryAfter} s.`,
    retryAfter,
  );
}

/**
 * The user an attempt targets, from the request as the route will read it (the same schema): the
 * username (case folded, so case variants share one budget) or user id, else the cloud's default
 * from clouds.yaml; an application credential by id, whose id is what a guesser targets. The
 * passcode step targets the user of the pending sign-in, as the password step named it.
 */
function loginTarget(req: Request, clouds: CloudRegistry): LoginTarget {
  if (req.path === '/session/mfa') {
    const pending = req.session?.pendingMfa;
    if (!mfaRequestSchema.safeParse(req.body).success || !pending) return { user: null, isValid: false };
    const user = pending.username ? nameKey(pending.username) : `id:${pending.userId}`;
    return { user: `${pending.cloud}:${user}`, isValid: true };
  }
  const parsed = loginRequestSchema.safeParse(req.body);
  if (!parsed.success) return { user: null, isValid: false };
  const cloud = clouds.find(parsed.data.cloud);
  if (!cloud) return { user: null, isValid: false };
  const login = mergeWithDefaults(cloud, parsed.data);
  const user =
    parsed.data.applicationCredentialSecret !== undefined && login.applicationCredentialId
      ? `appcred:${login.applicationCredentialId}`
      : login.username
        ? nameKey(login.username)
        : login.userId
          ? `id:${login.userId}`
          : login.applicationCredentialName
            ? `appcred-name:${login.applicationCredentialName}`
            : null;
  return { user: user ? `${cloud.name}:${user}` : null, isValid: true };
}

function nameKey(username: string): string {
  return `name:${username.trim().toLowerCase()}`;
}
