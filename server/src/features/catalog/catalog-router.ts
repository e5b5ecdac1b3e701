import { Router } from 'express';
import { sessionHandle } from '../../http/session-middleware.js';
import type { CatalogService } from './catalog-service.js';

export function createCatalogRouter(catalog: CatalogService): Router {
  const router = Router();
  router.get('/catalog', async (req, res) => {
    res.json(await catalog.read(sessionHandle(req)));
  });
  return router;
}
