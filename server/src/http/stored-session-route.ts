import type { Request, RequestHandler } from 'express';
import { SessionWriteNeededError, type SessionHandle } from '../auth/auth-state.js';
import { SealedValueError } from '../platform/secret-box.js';
import { hasRequestBody } from './require-json.js';
import { readOnlySessionHandle, type StoredSessionReader } from './stored-session-reader.js';

/** What a read-only route answers: a JSON body, at once or later. */
export type StoredSessionAnswer = (session: SessionHandle, req: Request) => unknown;

/**
 * A GET served from the stored session without express-session (ADR 0018): the token status the
 * SPA polls and the networks page. Only the plain case is answered here; the request goes on to
 * express-session and the route's usual handler, which answers it from the start, when
 * - it has a body (refused or parsed there, as on every route), or no plain signed-in session
 *   (see createStoredSessionReader);
 * - answering needs a write: a token renewal (SessionWriteNeededError, raised before Keystone is
 *   asked; a token an upstream refused is passed on in res.locals so that it is not tried again);
 * - the session can no longer be opened (SealedValueError): the usual path ends it and clears
 *   its cookie.
 * Any other error is the answer, through the error handler, as it would be on the usual path.
 */
export function answerFromStoredSession(
  readStoredSession: StoredSessionReader,
  answer: StoredSessionAnswer,
): RequestHandler {
  return (req, res, next) => {
    if (hasRequestBody(req)) {
      next();
      return;
    }
    readStoredSession(req, (stored) => {
      if (!stored) {
        next();
        return;
      }
      const fail = (error: unknown): void => {
        if (error instanceof SessionWriteNeededError) {
          if (error.rejectedTokenId !== undefined) res.locals.rejectedTokenId = error.rejectedTokenId;
          next();
        } else if (error instanceof SealedValueError) next();
        else next(error);
      };
      let body: unknown;
      try {
        body = answer(readOnlySessionHandle(stored, res.locals.receivedAt as number | undefined), req);
      } catch (error) {
        fail(error);
        return;
      }
      // The status read is synchronous: no promise for it (it runs on every poll of every page).
      // A throw while answering goes to the error handler too (as from an Express 5 async route),
      // never to an unhandled rejection.
      if (body instanceof Promise)
        body
          .then((value) => {
            res.json(value);
          })
          .catch(fail);
      else res.json(body);
    });
  };
}
