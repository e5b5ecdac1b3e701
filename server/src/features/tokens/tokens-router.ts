import { Router } from 'express';
import { reissueRequestSchema, tokenIdParamSchema } from '../../contract/token.js';
import { parseInput } from '../../http/parse-input.js';
import { hasRequestBody } from '../../http/require-json.js';
import { sessionHandle } from '../../http/session-middleware.js';
import { readOnlySessionHandle, type StoredSessionReader } from '../../http/stored-session-reader.js';
import type { TokensService } from './tokens-service.js';

/**
 * The token status the SPA polls, first under /api and before express-session: a signed-in
 * session is read from the store as it is (docs/decisions/0018-read-only-token-status.md).
 * Anything but that plain case goes on, to the same route behind express-session below.
 */
export function createTokenStatusRouter(
  tokens: TokensService,
  readStoredSession: StoredSessionReader,
): Router {
  const router = Router();
  router.get('/token', (req, res, next) => {
    // A body (which no client of this read sends) is refused or parsed below, as on every route.
    if (hasRequestBody(req)) {
      next();
      return;
    }
    readStoredSession(req, (stored) => {
      if (!stored) {
        next();
        return;
      }
      try {
        const receivedAt = res.locals.receivedAt as number | undefined;
        res.json(tokens.status(readOnlySessionHandle(stored, receivedAt)));
      } catch (error) {
        next(error);
      }
    });
  });
  return router;
}

export function createTokensRouter(tokens: TokensService): Router {
  const router = Router();

  router.get('/token', (req, res) => {
    res.json(tokens.status(sessionHandle(req)));
  });

  // The token itself, only on explicit request (reveal/copy); /api answers are never cached.
  router.get('/token/secret', (req, res) => {
    res.json(tokens.secret(sessionHandle(req)));
  });

  router.post('/token/reissue', async (req, res) => {
    const request = parseInput(reissueRequestSchema, req.body, 'reissue request');
    res.json(await tokens.reissue(sessionHandle(req), request));
  });

  router.get('/tokens', async (req, res) => {
    res.json(await tokens.list(sessionHandle(req)));
  });

  router.delete('/tokens/:id', async (req, res) => {
    const { id } = parseInput(tokenIdParamSchema, req.params, 'token id');
    await tokens.revoke(sessionHandle(req), id);
    res.status(204).end();
  });

  return router;
}
