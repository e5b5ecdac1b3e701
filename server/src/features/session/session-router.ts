import { Router } from 'express';
import { loginRequestSchema, mfaRequestSchema, selectProjectRequestSchema } from '../../contract/session.js';
import { parseInput } from '../../http/parse-input.js';
import { sessionHandle } from '../../http/session-middleware.js';
import type { SessionService } from './session-service.js';

export function createSessionRouter(sessions: SessionService, cookieName: string): Router {
  const router = Router();

  router.post('/session', async (req, res) => {
    const login = parseInput(loginRequestSchema, req.body, 'sign-in');
    res.status(201).json(await sessions.login(sessionHandle(req), login));
  });

  // The passcode step of a sign-in that answered mfa_required (the auth receipt is in the session).
  router.post('/session/mfa', async (req, res) => {
    const { passcode } = parseInput(mfaRequestSchema, req.body, 'passcode');
    res.status(201).json(await sessions.completeSecondFactor(sessionHandle(req), passcode));
  });

  router.get('/session', (req, res) => {
    res.json(sessions.sessionInfo(sessionHandle(req)));
  });

  router.delete('/session', async (req, res) => {
    const result = await sessions.logout(sessionHandle(req));
    // Cleared with the attributes it was set with (http/session-middleware.ts): a browser ignores a
    // __Host- cookie line without Secure, and the signed-out cookie would stay.
    res.clearCookie(cookieName, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: cookieName.startsWith('__Host-'),
    });
    res.json(result);
  });

  router.get('/projects', async (req, res) => {
    res.json(await sessions.listProjects(sessionHandle(req)));
  });

  router.post('/session/project', async (req, res) => {
    const { projectId } = parseInput(selectProjectRequestSchema, req.body, 'project choice');
    res.json(await sessions.selectProject(sessionHandle(req), projectId));
  });

  return router;
}
