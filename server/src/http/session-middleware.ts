import type { KeyObject } from 'node:crypto';
import { parse as parseCookieHeader } from 'cookie';
import { sign, unsign } from 'cookie-signature';
import type { CookieOptions, ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import { NotAuthenticatedError, StoreUnavailableError } from '../platform/errors.js';
import { SealedValueError } from '../platform/secret-box.js';
import type { AuthState, PendingMfa, SessionHandle } from '../auth/auth-state.js';

export interface SessionMiddlewareOptions {
  store: session.Store;
  secrets: string[];
  secureCookies: boolean;
  absoluteTimeoutMs: number;
  /**
   * A session ended by the absolute timeout: its tokens must die with it, as at sign-out (nobody
   * can revoke them once the session is gone). Runs in the background; its errors are its own.
   */
  onAbsoluteTimeout?: (sessionId: string, auth: AuthState | undefined) => void;
}

/**
 * The browser holds only an opaque, signed session id: HttpOnly, SameSite=Strict, and behind TLS
 * Secure with the __Host- prefix (no Domain, Path=/). Everything else stays in the store.
 * The cookie has no Max-Age: it ends with the browser, and the idle timeout is the store's expiry,
 * moved by every request (OWASP Session Management: non-persistent session cookies, timeouts
 * enforced on the server). So no answer needs to roll the cookie, and none re-signs it
 * (docs/decisions/0018-read-only-token-status.md).
 */
export function sessionCookieName(secureCookies: boolean): string {
  return secureCookies ? '__Host-api-access' : 'api-access.sid';
}

function sessionCookieOptions(secureCookies: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: secureCookies, path: '/' };
}

/**
 * Clears the cookie with the attributes it was set with: a browser ignores a Set-Cookie for a
 * `__Host-` name that lacks Secure, so clearing it without them would leave the cookie in place.
 */
export function clearSessionCookie(res: Response, secureCookies: boolean): void {
  res.clearCookie(sessionCookieName(secureCookies), sessionCookieOptions(secureCookies));
}

export interface VerifiedSessionCookie {
  id: string;
  /** Signed with the first secret: false while a rotation is under way and the cookie is older. */
  isSignedWithCurrentSecret: boolean;
}

/**
 * The session id of a request's cookie when one of the secrets signed it: express-session's own
 * format, `s:` + the id + `.` + its HMAC-SHA256 (cookie-signature, compared in constant time).
 */
export function verifySessionCookie(
  cookieHeader: string | undefined,
  cookieName: string,
  secrets: readonly (string | KeyObject)[],
): VerifiedSessionCookie | null {
  if (!cookieHeader) return null;
  const value = parseCookieHeader(cookieHeader)[cookieName];
  if (!value?.startsWith('s:')) return null;
  for (const [index, secret] of secrets.entries()) {
    const id = unsign(value.slice(2), secret);
    if (id !== false) return { id, isSignedWithCurrentSecret: index === 0 };
  }
  return null;
}

export function createSessionMiddleware(options: SessionMiddlewareOptions): RequestHandler {
  const cookieName = sessionCookieName(options.secureCookies);
  const middleware = session({
    name: cookieName,
    secret: options.secrets,
    store: options.store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    unset: 'destroy',
    cookie: sessionCookieOptions(options.secureCookies),
  });
  return (req, res, next) => {
    let isLoaded = false;
    middleware(req, res, (error?: unknown) => {
      // express-session calls back again when the save or touch after the response fails; the
      // response is already on the wire then, and calling next() again would run the routes twice.
      if (isLoaded) return;
      isLoaded = true;
      // The store failed (Redis down, disk error): say so instead of a 500. Forget the session id
      // for this response: with no session loaded, express-session would otherwise delete the
      // stored session when the response ends (`unset: 'destroy'`) and send a fresh cookie, so
      // one failed read would sign the user out.
      if (error) {
        (req as { sessionID?: string }).sessionID = undefined;
        next(new StoreUnavailableError());
        return;
      }
      const created = req.session.createdAt;
      if (created !== undefined && Date.now() - created > options.absoluteTimeoutMs) {
        options.onAbsoluteTimeout?.(req.sessionID, req.session.auth);
        options.store.destroy(req.sessionID, (destroyError?: unknown) => {
          if (destroyError) {
            next(new StoreUnavailableError());
            return;
          }
          // The rest of the request sees an empty session, not none (req.session.destroy would
          // leave `req.session` undefined, and the first route to touch it a 500): signed out, a
          // sign-in regenerates it, and the store refuses to write the destroyed id back (its
          // tombstone, docs/decisions/0010-atomic-session-writes.md).
          forgetSession(req);
          next();
        });
        return;
      }
      if (created !== undefined && options.secrets.length > 1)
        resignDuringRotation(req, res, cookieName, options);
      next();
    });
  };
}

/**
 * A rotation is under way (SESSION_SECRET lists more than one) and this cookie was signed with
 * an older secret: sign it again with the current one, so the older secret can go once every
 * session in use has been seen (docs/deploy.md). With no rolling cookie, nothing else would.
 * A new id set later in this answer (sign-in) or a cleared cookie (sign-out) comes after this
 * line and wins.
 */
function resignDuringRotation(
  req: Request,
  res: Response,
  cookieName: string,
  options: SessionMiddlewareOptions,
): void {
  const verified = verifySessionCookie(req.headers.cookie, cookieName, options.secrets);
  if (!verified || verified.isSignedWithCurrentSecret || verified.id !== req.sessionID) return;
  res.cookie(
    cookieName,
    `s:${sign(verified.id, options.secrets[0]!)}`,
    sessionCookieOptions(options.secureCookies),
  );
}

function forgetSession(req: Request): void {
  delete req.session.auth;
  delete req.session.pendingMfa;
  delete req.session.createdAt;
}

/**
 * A sealed value of this session that no configured key opens (a secret removed from
 * SESSION_SECRET, replicas with different secrets): nothing in the session can be used any more.
 * End it, in the store and in the browser, and say "sign in again" (401) instead of a 500.
 */
export function endUnreadableSession(secureCookies: boolean): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (!(error instanceof SealedValueError)) {
      next(error);
      return;
    }
    const signInAgain = new NotAuthenticatedError(
      'This session can no longer be read (the server key changed). Sign in again.',
    );
    if (!req.session) {
      next(signInAgain);
      return;
    }
    req.session.destroy((destroyError?: unknown) => {
      if (destroyError) {
        next(new StoreUnavailableError());
        return;
      }
      clearSessionCookie(res, secureCookies);
      next(signInAgain);
    });
  };
}

/** Adapts express-session's session to the services' SessionHandle. */
export function sessionHandle(req: Request): SessionHandle {
  const receivedAt = req.res?.locals.receivedAt;
  const rejectedTokenId = req.res?.locals.rejectedTokenId;
  return {
    ...(typeof receivedAt === 'number' ? { receivedAt } : {}),
    ...(typeof rejectedTokenId === 'string' ? { rejectedTokenId } : {}),
    get id() {
      return req.session.id;
    },
    get auth() {
      return req.session?.auth;
    },
    set auth(value: AuthState | undefined) {
      if (value === undefined) delete req.session.auth;
      else req.session.auth = value;
    },
    get pendingMfa() {
      return req.session?.pendingMfa;
    },
    set pendingMfa(value: PendingMfa | undefined) {
      if (value === undefined) delete req.session.pendingMfa;
      else req.session.pendingMfa = value;
    },
    regenerate: () =>
      new Promise<void>((resolve, reject) =>
        req.session.regenerate((error) => {
          if (error) {
            reject(new StoreUnavailableError());
            return;
          }
          req.session.createdAt = Date.now();
          // A new id, a new CSRF token (http/csrf.ts): the token of the earlier id, or of the
          // visitor before sign-in, is worth nothing from now on.
          req.csrfToken?.({ overwrite: true });
          resolve();
        }),
      ),
    destroy: () =>
      new Promise<void>((resolve, reject) =>
        req.session.destroy((error) => (error ? reject(new StoreUnavailableError()) : resolve())),
      ),
  };
}
