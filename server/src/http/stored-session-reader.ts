import type { Request } from 'express';
import type session from 'express-session';
import type { AuthState, SessionHandle } from '../auth/auth-state.js';
import { verifySessionCookie } from './session-middleware.js';

/** A signed-in session as the store holds it, for a request that only reads it. */
export interface StoredSignedInSession {
  id: string;
  auth: AuthState;
}

export interface StoredSessionReaderOptions {
  store: session.Store;
  /** express-session's secrets: the first signs, every one verifies (rotation). */
  secrets: string[];
  cookieName: string;
  absoluteTimeoutMs: number;
  now?: () => number;
}

/**
 * Reads the signed-in session a request's cookie names, for the one read the SPA polls
 * (`GET /api/token`), without express-session's per-request work: building its Session and
 * Cookie objects, serialising and SHA-1-hashing the record three times to find it unchanged, and
 * the wrapped `res.end` (docs/decisions/0018-read-only-token-status.md).
 *
 * It answers only the plain case: a cookie signed with the current secret (express-session's own
 * `s:<id>.<HMAC>`, checked with cookie-signature as express-session checks it), a record in the
 * store that is signed in and not past the absolute timeout. Everything else (no or a forged
 * cookie, one signed with an older secret to sign again, no record, a store error, a session to
 * end) resolves `null`, and the request goes on to express-session, which answers it as it
 * always did. The record is never
 * written: only the store's expiry is moved, as express-session's touch does, so polling keeps a
 * session alive exactly as before.
 */
export function createStoredSessionReader(
  options: StoredSessionReaderOptions,
): (req: Request) => Promise<StoredSignedInSession | null> {
  const now = options.now ?? Date.now;
  const { store } = options;
  return async (req) => {
    const cookie = verifySessionCookie(req.headers.cookie, options.cookieName, options.secrets);
    if (!cookie?.isSignedWithCurrentSecret) return null;
    const { id } = cookie;
    const record = await new Promise<session.SessionData | null>((resolve) => {
      store.get(id, (error: unknown, stored?: session.SessionData | null) =>
        resolve(error ? null : (stored ?? null)),
      );
    });
    if (!record?.auth?.current) return null;
    const createdAt = record.createdAt;
    if (createdAt !== undefined && now() - createdAt > options.absoluteTimeoutMs) return null;
    touchStoredSession(store, id, record, now());
    return { id, auth: record.auth };
  };
}

/**
 * express-session's touch: the stored expiry moves by the cookie's own max age, or the store's
 * idle timeout when the cookie has none (the stores throttle the writes). A failed touch loses
 * nothing the answer needs; the next request touches again.
 */
function touchStoredSession(
  store: session.Store,
  id: string,
  record: session.SessionData,
  nowMs: number,
): void {
  if (!store.touch) return;
  const maxAge = record.cookie?.originalMaxAge;
  const cookie = {
    ...record.cookie,
    expires: typeof maxAge === 'number' ? new Date(nowMs + maxAge) : undefined,
  };
  store.touch(id, { ...record, cookie } as session.SessionData, () => undefined);
}

/** A SessionHandle over a read-only session: a write is a programming error, never silently lost. */
export function readOnlySessionHandle(stored: StoredSignedInSession, receivedAt?: number): SessionHandle {
  const refuse = (): never => {
    throw new Error('this request only reads its session');
  };
  return {
    id: stored.id,
    ...(receivedAt === undefined ? {} : { receivedAt }),
    get auth() {
      return stored.auth;
    },
    set auth(_value) {
      refuse();
    },
    regenerate: () => Promise.resolve().then(refuse),
    destroy: () => Promise.resolve().then(refuse),
  };
}
