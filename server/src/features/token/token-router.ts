import { Router } from 'express';
import { reissueRequestSchema, tokenIdParamSchema } from '../../contract/token.js';
import { parseInput } from '../../http/parse-input.js';
import { sessionHandle } from '../../http/session-middleware.js';
import type { SessionService } from '../session/session-service.js';

export function createTokenRouter(sessions: SessionService): Router {
  const router = Router();

  router.get('/token', (req, res) => {
    res.json(sessions.tokenInfo(sessionHandle(req)));
  });

  // The token itself, only on explicit request (reveal/copy); /api answers are never cached.
  router.get('/token/secret', (req, res) => {
    res.json(sessions.tokenSecret(sessionHandle(req)));
  });

  router.post('/token/reissue', async (req, res) => {
    const request = parseInput(reissueRequestSchema, req.body, 'reissue request');
    res.json(await sessions.reissue(sessionHandle(req), request));
  });

  router.get('/tokens', (req, res) => {
    res.json(sessions.listTokens(sessionHandle(req)));
  });

  router.delete('/tokens/:id', async (req, res) => {
    const { id } = parseInput(tokenIdParamSchema, req.params, 'token id');
    await sessions.revokeIssuedToken(sessionHandle(req), id);
    res.status(204).end();
  });

  return router;
}
