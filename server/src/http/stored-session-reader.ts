import { createSecretKey } from 'node:crypto';
import type { Request } from 'express';
import type session from 'express-session';
import type { AuthState, SessionHandle } from '../auth/auth-state.js';
import { verifySessionCookie } from './session-middleware.js';

/** A signed-in session as the store holds it, for a request that only reads it. */
export interface StoredSignedInSession {
  id: string;
  auth: AuthState;
}

type GetCallback = (err: unknown, session?: session.SessionData | null) => void;

export interface StoredSessionReaderOptions {
  /** The SQLite store also offers getForReading(): a frozen record shared while it is unchanged. */
  store: session.Store & { getForReading?: (sid: string, callback: GetCallback) => void };
  /** express-session's secrets: the first signs, every one verifies (rotation). */
  secrets: string[];
  cookieName: string;
  absoluteTimeoutMs: number;
  now?: () => number;
}

export type StoredSessionReader = (
  req: Request,
  onRead: (stored: StoredSignedInSession | null) => void,
) => void;

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
 * end) is called back with `null`, and the request goes on to express-session, which answers it
 * as it always did. The record is never written: only the store's expiry is moved, as
 * express-session's touch does, so polling keeps a session alive exactly as before.
 */
export function createStoredSessionReader(options: StoredSessionReaderOptions): StoredSessionReader {
  const now = options.now ?? Date.now;
  const { store } = options;
  // Keys made once: an HMAC under a string secret derives its key again on every call.
  const keys = options.secrets.map((secret) => createSecretKey(Buffer.from(secret, 'utf8')));
  // Callbacks rather than promises: this runs on every poll of every open page.
  return (req, onRead) => {
    const cookie = verifySessionCookie(req.headers.cookie, options.cookieName, keys);
    if (!cookie?.isSignedWithCurrentSecret) {
      onRead(null);
      return;
    }
    const { id } = cookie;
    const read: (sid: string, callback: GetCallback) => void = store.getForReading ?? store.get;
    read.call(store, id, (error, record) => {
      const auth = error ? undefined : record?.auth;
      const createdAt = record?.createdAt;
      if (
        !record ||
        !auth?.current ||
        (createdAt !== undefined && now() - createdAt > options.absoluteTimeoutMs)
      ) {
        onRead(null);
        return;
      }
      touchStoredSession(store, id, record, now());
      onRead({ id, auth });
    });
  };
}

/**
 * express-session's touch: the stored expiry moves by the cookie's own max age (sessions from
 * before the cookie lost its Max-Age), or else by the store's idle timeout; the stores throttle
 * the writes. A failed touch loses nothing the answer needs; the next request touches again.
 */
function touchStoredSession(
  store: session.Store,
  id: string,
  record: session.SessionData,
  nowMs: number,
): void {
  if (!store.touch) return;
  const maxAge = record.cookie?.originalMaxAge;
  const touched =
    typeof maxAge === 'number'
      ? ({
          ...record,
          cookie: { ...record.cookie, expires: new Date(nowMs + maxAge) },
        } as session.SessionData)
      : record;
  store.touch(id, touched, () => undefined);
}

/** A SessionHandle over a read-only session: a write is a programming error, never silently lost. */
export function readOnlySessionHandle(stored: StoredSignedInSession, receivedAt?: number): SessionHandle {
  const refuse = (): never => {
    throw new Error('this request only reads its session');
  };
  return {
    id: stored.id,
    isReadOnly: true,
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
