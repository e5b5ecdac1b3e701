import { Router } from 'express';
import { StoreUnavailableError } from '../../platform/errors.js';

/** /api/health: the process answers. /api/ready: and its session store is reachable. */
export function createHealthRouter(isStoreReachable: () => Promise<boolean>): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    if (!(await isStoreReachable())) throw new StoreUnavailableError();
    res.json({ status: 'ready' });
  });
  return router;
}
