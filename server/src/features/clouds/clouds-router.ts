import { Router } from 'express';
import { toCloudSummary, type CloudRegistry } from '../../config/clouds-config.js';
import type { CloudList } from '../../contract/clouds.js';

export function createCloudsRouter(clouds: CloudRegistry): Router {
  const router = Router();
  router.get('/clouds', (_req, res) => {
    const body: CloudList = { clouds: clouds.list().map(toCloudSummary) };
    res.json(body);
  });
  return router;
}
