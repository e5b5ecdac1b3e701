import { Router } from 'express';
import { mfaRequestSchema } from '../../contract/session.js';
import { parseInput } from '../../http/parse-input.js';
import { sessionHandle } from '../../http/session-middleware.js';
import type { SecondFactorService } from './second-factor-service.js';

export function createSecondFactorRouter(secondFactor: SecondFactorService): Router {
  const router = Router();
  // The passcode step of a sign-in that answered mfa_required (the auth receipt is in the session).
  router.post('/session/mfa', async (req, res) => {
    const { passcode } = parseInput(mfaRequestSchema, req.body, 'passcode');
    res.status(201).json(await secondFactor.complete(sessionHandle(req), passcode));
  });
  return router;
}
