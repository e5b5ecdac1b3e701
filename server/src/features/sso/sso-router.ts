import cookieParser from 'cookie-parser';
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import { z } from 'zod';
import { SSO_ERROR_PARAM, SSO_REASON_PARAM, ssoCallbackSchema } from '../../contract/sso.js';
import { parseInput } from '../../http/parse-input.js';
import { sessionHandle } from '../../http/session-middleware.js';
import { AppError, RateLimitedError } from '../../platform/errors.js';
import { ssoMarkerCookieName, ssoMarkerCookieOptions, SSO_MARKER_LIFETIME_MS } from './sso-marker.js';
import { SsoRefusedError } from './sso-refused-error.js';
import type { SsoService } from './sso-service.js';

export interface SsoRouterOptions {
  sso: SsoService;
  /** The session middleware: the start reads the session, the callback makes a new one. */
  sessions: RequestHandler;
  secureCookies: boolean;
  /** Refused callbacks per address and minute (LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS). */
  refusalsPerMinute: number;
  rateLimitStore: Store | undefined;
}

const cloudParamSchema = z.object({ cloud: z.string().min(1).max(200) });

/**
 * GET /api/sso/{cloud}/start and POST /api/sso/callback. Both are browser navigations, not API
 * calls: a failure sends the browser back with `?sso_error=<code>` (the SPA explains it) when the
 * request asks for HTML, and answers the usual JSON error otherwise. The
 * callback is a cross-site form post from Keystone, so it has no CSRF token of ours: the marker
 * cookie and the Origin check stand in for it (docs/decisions/0016-websso-callback-marker.md).
 */
export function createSsoRouter(options: SsoRouterOptions): Router {
  const { sso, secureCookies } = options;
  const markerCookie = ssoMarkerCookieName(secureCookies);
  const router = Router();

  router.get('/sso/:cloud/start', options.sessions, (req, res) => {
    // A link on our own pages (same-origin) or a typed or bookmarked URL (none): any other site
    // starting it would plant a marker in the visitor's browser and send them round the IdP.
    const fetchSite = req.get('sec-fetch-site');
    if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none')
      throw new SsoRefusedError('cross_site_start');
    const { cloud } = parseInput(cloudParamSchema, req.params, 'cloud');
    const { location, marker } = sso.start(sessionHandle(req), cloud);
    res.cookie(markerCookie, marker, {
      ...ssoMarkerCookieOptions(secureCookies),
      maxAge: SSO_MARKER_LIFETIME_MS,
    });
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, location);
  });

  router.post(
    '/sso/callback',
    refusalThrottle(options),
    // Keystone's sso_callback_template posts one field, `token`: a Fernet token is a few hundred bytes.
    express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 }),
    cookieParser(),
    options.sessions,
    async (req, res) => {
      const marker: unknown = req.cookies?.[markerCookie];
      // Single use: whatever happens next, this start is spent.
      res.clearCookie(markerCookie, ssoMarkerCookieOptions(secureCookies));
      const { token } = parseInput(ssoCallbackSchema, req.body ?? {}, 'single sign-on');
      await sso.complete(sessionHandle(req), { token, origin: req.get('origin'), marker });
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(303, '/');
    },
  );

  router.use('/sso', backToLoginPage(markerCookie, secureCookies));
  return router;
}

/**
 * A navigation that failed lands on the login page, or on the API access page when a signed-in
 * session holds (a refused "Renew through SSO"); either names the reason in the operator's
 * language. Anything else (curl, tests) gets the JSON error from the one error handler.
 */
function backToLoginPage(markerCookie: string, secureCookies: boolean): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    res.locals.isSsoRefused = true;
    if (req.accepts(['json', 'html']) !== 'html' || res.headersSent) {
      next(error);
      return;
    }
    const code = navigationErrorCode(error);
    if (code === null) {
      next(error);
      return;
    }
    res.clearCookie(markerCookie, ssoMarkerCookieOptions(secureCookies));
    res.setHeader('Cache-Control', 'no-store');
    const reason = error instanceof SsoRefusedError ? `&${SSO_REASON_PARAM}=${error.reason}` : '';
    // A refused "Renew through SSO" leaves the signed-in session as it was: back to its page.
    const page = req.session?.auth ? '/' : '/login';
    res.redirect(303, `${page}?${SSO_ERROR_PARAM}=${encodeURIComponent(code)}${reason}`);
  };
}

/** Our own errors by their code; body-parser's refusals (too large, malformed) as invalid input. */
function navigationErrorCode(error: unknown): string | null {
  if (error instanceof AppError) return error.code;
  const status = (error as { status?: unknown } | null)?.status;
  if (status === 413) return 'payload_too_large';
  if (typeof status === 'number' && status >= 400 && status < 500) return 'invalid_input';
  return null;
}

/**
 * Each refused callback costs a Keystone validation at most: bounded per client address like
 * failed sign-ins (IPv6 by /64), with the same shared store beside Redis.
 */
function refusalThrottle(options: SsoRouterOptions): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: options.refusalsPerMinute,
    ...(options.rateLimitStore ? { store: options.rateLimitStore } : {}),
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown', 64),
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.locals.isSsoRefused !== true,
    handler: (_req, _res, next) => {
      next(
        new RateLimitedError(
          'Too many refused single sign-on attempts from this address. Try again in a minute.',
          60,
        ),
      );
    },
    standardHeaders: false,
    legacyHeaders: false,
    validate: { xForwardedForHeader: false },
  });
}
