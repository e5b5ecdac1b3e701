import { hkdfSync } from 'node:crypto';
import cookieParser from 'cookie-parser';
import { doubleCsrf } from 'csrf-csrf';
import { Router, type CookieOptions, type Request, type RequestHandler } from 'express';
import { CsrfError } from '../platform/errors.js';

/**
 * CSRF defence in depth, on top of the SameSite=Strict cookies:
 *  1. every POST/PUT/PATCH/DELETE, sign-in included, carries X-CSRF-Token: a stateless token
 *     (csrf-csrf, double submit) that must equal the HttpOnly CSRF cookie and carry a valid HMAC,
 *     under a key derived from the server secret, over the cookie's random value and the session
 *     id. Nothing is stored for it, so an anonymous visitor costs the session store nothing
 *     (issue 13 item 2): GET /api/csrf writes a cookie, not a session;
 *  2. a browser request must come from our own origin (Sec-Fetch-Site, else Origin vs Host).
 *
 * The token is bound to the stored session's id, or to no session for a visitor who has none: a
 * new session id (sign-in, the second-factor step) makes the earlier token worthless, and the
 * answer that made the new id carries a new CSRF cookie (`req.csrfToken({ overwrite: true })`, see
 * session-middleware.ts); the client fetches the matching token from GET /api/csrf.
 */
export interface CsrfOptions {
  secrets: readonly string[];
  secureCookies: boolean;
}

export interface Csrf {
  /** Parses cookies, offers `req.csrfToken()`, then checks every unsafe method. */
  protect: RequestHandler[];
  router: Router;
}

export function csrfCookieName(secureCookies: boolean): string {
  return secureCookies ? '__Host-api-access.csrf' : 'api-access.csrf';
}

/**
 * The session id when the request has a stored session (signed in, or waiting for its second
 * factor: both were given `createdAt` with their id), else '' for a visitor without one. An
 * unsaved session's id changes with every request, so it cannot be what a token is bound to.
 */
function sessionIdentifier(req: Request): string {
  return req.session?.createdAt !== undefined ? req.sessionID : '';
}

export function createCsrf(options: CsrfOptions): Csrf {
  // A key of its own per secret (HKDF, like the secret box's): rotation works as for the sessions.
  const keys = options.secrets.map((secret) =>
    Buffer.from(hkdfSync('sha256', secret, 'api-access', 'csrf-token', 32)).toString('base64url'),
  );
  const cookieOptions: CookieOptions = {
    httpOnly: true,
    sameSite: 'strict',
    secure: options.secureCookies,
    path: '/',
  };
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    getSecret: () => keys,
    getSessionIdentifier: sessionIdentifier,
    cookieName: csrfCookieName(options.secureCookies),
    cookieOptions,
    getCsrfTokenFromRequest: (req) => req.get('x-csrf-token'),
  });

  const router = Router();
  router.get('/csrf', (req, res) => {
    // The cookie's token when it is still valid for this session, else a new one.
    res.json({ csrfToken: generateCsrfToken(req, res) });
  });

  const check: RequestHandler = (req, res, next) => {
    req.csrfToken = (generateOptions) => generateCsrfToken(req, res, generateOptions);
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    next(isSameOrigin(req) && validateRequest(req) ? undefined : new CsrfError());
  };

  return { protect: [cookieParser(), stringCookiesOnly, check], router };
}

/**
 * cookie-parser turns a `j:`-prefixed value into parsed JSON: a CSRF cookie must be the string
 * the BFF set, and anything else is treated as no cookie (csrf-csrf would throw on an object).
 */
const stringCookiesOnly: RequestHandler = (req, _res, next) => {
  const cookies = req.cookies as Record<string, unknown>;
  for (const [name, value] of Object.entries(cookies)) if (typeof value !== 'string') delete cookies[name];
  next();
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function isSameOrigin(req: Request): boolean {
  const fetchSite = req.get('sec-fetch-site');
  if (fetchSite) return fetchSite === 'same-origin' || fetchSite === 'none';
  const origin = req.get('origin');
  if (!origin) return true; // not a browser (curl, scripts): the token alone decides
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}
