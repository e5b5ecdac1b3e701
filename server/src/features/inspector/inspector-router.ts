import { Router } from 'express';
import { inspectTokenRequestSchema } from '../../contract/inspector.js';
import { parseInput } from '../../http/parse-input.js';
import { sessionHandle } from '../../http/session-middleware.js';
import type { InspectorService } from './inspector-service.js';

export function createInspectorRouter(inspector: InspectorService): Router {
  const router = Router();
  // POST, so that a pasted token travels in a body: never in a URL, a log line or a history entry.
  router.post('/inspector', async (req, res) => {
    const request = parseInput(inspectTokenRequestSchema, req.body, 'inspection request');
    res.json(await inspector.inspect(sessionHandle(req), request));
  });
  return router;
}
