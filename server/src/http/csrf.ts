import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import { CsrfError, StoreUnavailableError } from '../platform/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence in depth, on top of the SameSite=Strict cookie:
 *  1. every POST/PUT/PATCH/DELETE, sign-in included, carries X-CSRF-Token, a random value kept
 *     in the session (GET /api/csrf hands it out, creating the session if needed);
 *  2. a browser request must come from our own origin (Sec-Fetch-Site, else Origin vs Host).
 */
export function createCsrfRouter(): Router {
  const router = Router();
  router.get('/csrf', async (req, res) => {
    if (!req.session.csrfToken) {
      req.session.csrfToken = randomBytes(32).toString('base64url');
      // Saved before answering: a token the store never got would fail every later mutation, and
      // a store that is down must give 503 store_unavailable, not a token that does not exist.
      await new Promise<void>((resolve, reject) =>
        req.session.save((error) => (error ? reject(new StoreUnavailableError()) : resolve())),
      );
    }
    res.json({ csrfToken: req.session.csrfToken });
  });
  return router;
}

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

function tokensMatch(expected: string | undefined, given: string | undefined): boolean {
  if (!expected || !given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const requireCsrf: RequestHandler = (req, _res, next) => {
  if (SAFE_METHODS.has(req.method)) {
    next();
    return;
  }
  if (!isSameOrigin(req) || !tokensMatch(req.session?.csrfToken, req.get('x-csrf-token'))) {
    next(new CsrfError());
    return;
  }
  next();
};
