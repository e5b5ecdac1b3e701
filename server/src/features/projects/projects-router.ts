import { Router } from 'express';
import { selectProjectRequestSchema } from '../../contract/session.js';
import { parseInput } from '../../http/parse-input.js';
import { sessionHandle } from '../../http/session-middleware.js';
import type { ProjectsService } from './projects-service.js';

export function createProjectsRouter(projects: ProjectsService): Router {
  const router = Router();

  router.get('/projects', async (req, res) => {
    res.json(await projects.list(sessionHandle(req)));
  });

  router.post('/session/project', async (req, res) => {
    const { projectId } = parseInput(selectProjectRequestSchema, req.body, 'project choice');
    res.json(await projects.select(sessionHandle(req), projectId));
  });

  return router;
}
