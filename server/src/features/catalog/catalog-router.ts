import { Router } from 'express';
import { sessionHandle } from '../../http/session-middleware.js';
import type { SessionService } from '../session/session-service.js';

export function createCatalogRouter(sessions: SessionService): Router {
  const router = Router();
  router.get('/catalog', async (req, res) => {
    res.json(await sessions.catalog(sessionHandle(req)));
  });
  return router;
}
