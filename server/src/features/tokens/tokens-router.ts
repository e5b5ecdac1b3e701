import { Router } from 'express';
import { reissueRequestSchema, tokenIdParamSchema } from '../../contract/token.js';
import { parseInput } from '../../http/parse-input.js';
import { sessionHandle } from '../../http/session-middleware.js';
import type { StoredSessionReader } from '../../http/stored-session-reader.js';
import { answerFromStoredSession } from '../../http/stored-session-route.js';
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
  router.get(
    '/token',
    answerFromStoredSession(readStoredSession, (session) => tokens.status(session)),
  );
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
