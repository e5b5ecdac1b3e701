import { Router } from 'express';
import { selectScopeRequestSchema } from '../../contract/scopes.js';
import { selectProjectRequestSchema } from '../../contract/session.js';
import { parseInput } from '../../http/parse-input.js';
import { sessionHandle } from '../../http/session-middleware.js';
import type { ScopesService } from './scopes-service.js';

export function createScopesRouter(scopes: ScopesService): Router {
  const router = Router();

  router.get('/scopes', async (req, res) => {
    res.json(await scopes.list(sessionHandle(req)));
  });

  router.post('/session/scope', async (req, res) => {
    const request = parseInput(selectScopeRequestSchema, req.body, 'scope choice');
    res.json(await scopes.select(sessionHandle(req), request));
  });

  // The project-only routes of before scopes, kept for the SPAs and scripts that use them.
  router.get('/projects', async (req, res) => {
    res.json(await scopes.listProjects(sessionHandle(req)));
  });

  router.post('/session/project', async (req, res) => {
    const { projectId } = parseInput(selectProjectRequestSchema, req.body, 'project choice');
    res.json(await scopes.select(sessionHandle(req), { kind: 'project', projectId }));
  });

  return router;
}
