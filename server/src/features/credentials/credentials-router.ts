import { Router } from 'express';
import {
  applicationCredentialIdParamSchema,
  createApplicationCredentialRequestSchema,
  createEc2CredentialRequestSchema,
  ec2AccessParamSchema,
} from '../../contract/credentials.js';
import { parseInput } from '../../http/parse-input.js';
import { sessionHandle } from '../../http/session-middleware.js';
import type { CredentialsService } from './credentials-service.js';

/** Application credentials and EC2 credentials of the signed-in user (the secrets only in a creation's answer). */
export function createCredentialsRouter(credentials: CredentialsService): Router {
  const router = Router();

  router.get('/application-credentials', async (req, res) => {
    res.json(await credentials.listApplicationCredentials(sessionHandle(req)));
  });

  router.post('/application-credentials', async (req, res) => {
    const request = parseInput(createApplicationCredentialRequestSchema, req.body, 'application credential');
    res.status(201).json(await credentials.createApplicationCredential(sessionHandle(req), request));
  });

  router.delete('/application-credentials/:id', async (req, res) => {
    const { id } = parseInput(applicationCredentialIdParamSchema, req.params, 'application credential id');
    await credentials.deleteApplicationCredential(sessionHandle(req), id);
    res.status(204).end();
  });

  router.get('/ec2-credentials', async (req, res) => {
    res.json(await credentials.listEc2Credentials(sessionHandle(req)));
  });

  router.post('/ec2-credentials', async (req, res) => {
    parseInput(createEc2CredentialRequestSchema, req.body, 'EC2 credential');
    res.status(201).json(await credentials.createEc2Credential(sessionHandle(req)));
  });

  router.delete('/ec2-credentials/:access', async (req, res) => {
    const { access } = parseInput(ec2AccessParamSchema, req.params, 'EC2 access key');
    await credentials.deleteEc2Credential(sessionHandle(req), access);
    res.status(204).end();
  });

  return router;
}
