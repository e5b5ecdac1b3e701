import { Router } from 'express';
import { loginRequestSchema } from '../../contract/session.js';
import { parseInput } from '../../http/parse-input.js';
import { clearSessionCookie, sessionHandle } from '../../http/session-middleware.js';
import type { SignInService } from './sign-in-service.js';

export function createSignInRouter(signIn: SignInService, secureCookies: boolean): Router {
  const router = Router();

  router.post('/session', async (req, res) => {
    const login = parseInput(loginRequestSchema, req.body, 'sign-in');
    res.status(201).json(await signIn.signIn(sessionHandle(req), login));
  });

  router.get('/session', (req, res) => {
    res.json(signIn.describe(sessionHandle(req)));
  });

  router.delete('/session', async (req, res) => {
    const result = await signIn.signOut(sessionHandle(req));
    clearSessionCookie(res, secureCookies);
    res.json(result);
  });

  return router;
}
