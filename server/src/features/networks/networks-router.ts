import { Router } from 'express';
import { networksQuerySchema } from '../../contract/networks.js';
import { parseInput } from '../../http/parse-input.js';
import { sessionHandle } from '../../http/session-middleware.js';
import type { NetworksService } from './networks-service.js';

export function createNetworksRouter(networks: NetworksService): Router {
  const router = Router();
  router.get('/networks', async (req, res) => {
    const query = parseInput(networksQuerySchema, req.query, 'network query');
    res.json(await networks.listNetworks(sessionHandle(req), query));
  });
  return router;
}
