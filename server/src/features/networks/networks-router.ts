import { Router } from 'express';
import { networksQuerySchema } from '../../contract/networks.js';
import { parseInput } from '../../http/parse-input.js';
import { sessionHandle } from '../../http/session-middleware.js';
import type { StoredSessionReader } from '../../http/stored-session-reader.js';
import { answerFromStoredSession } from '../../http/stored-session-route.js';
import type { NetworksService } from './networks-service.js';

/**
 * The networks page, first under /api and before express-session: a signed-in session whose token
 * needs no renewal is read from the store as it is (docs/decisions/0018-read-only-token-status.md);
 * a listing is a read, and express-session's per-request work was a fifth of the BFF's own time in
 * a networks call. Anything else goes on, to the same route behind express-session below.
 */
export function createNetworksReadRouter(
  networks: NetworksService,
  readStoredSession: StoredSessionReader,
): Router {
  const router = Router();
  router.get(
    '/networks',
    answerFromStoredSession(readStoredSession, (session, req) =>
      networks.listNetworks(session, parseInput(networksQuerySchema, req.query, 'network query')),
    ),
  );
  return router;
}

export function createNetworksRouter(networks: NetworksService): Router {
  const router = Router();
  router.get('/networks', async (req, res) => {
    const query = parseInput(networksQuerySchema, req.query, 'network query');
    res.json(await networks.listNetworks(sessionHandle(req), query));
  });
  return router;
}
