import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPlainObject, sendKeystoneJson, sendNeutronJson } from './demo-http.js';
import { sendKeystoneError } from './keystone-errors.js';
import { findProject, findUser, type DemoWorld } from './demo-world.js';
import type { DemoToken } from './token-registry.js';
import {
  readJson,
  sendBadRequest,
  type CredentialState,
  type DemoEc2Credential,
} from './credential-state.js';

// EC2 credentials under /v3 and /v2.0: list (with secrets, as Keystone does), create, delete.

export async function routeEc2(
  world: DemoWorld,
  state: CredentialState,
  req: IncomingMessage,
  res: ServerResponse,
  caller: DemoToken,
  access: string | null,
  method: string,
  version: '3' | '2.0',
): Promise<void> {
  const isCompact = version === '3';
  const send = (status: number, body: unknown) =>
    isCompact ? sendKeystoneJson(res, status, body) : sendNeutronJson(res, status, body);
  const prefix = version === '3' ? 'v3' : 'v2.0';
  const bodyOf = (credential: DemoEc2Credential) => ({
    user_id: credential.userId,
    tenant_id: credential.projectId,
    access: credential.access,
    secret: credential.secret,
    trust_id: null,
    ...(isCompact
      ? {
          links: {
            self: `${world.url}/v3/users/${credential.userId}/credentials/OS-EC2/${credential.access}`,
          },
        }
      : {}),
  });
  const own = state.ec2.filter((credential) => credential.userId === caller.userId);
  if (access === null && method === 'GET') {
    return send(200, {
      credentials: own.map(bodyOf),
      ...(isCompact
        ? {
            links: {
              self: `${world.url}/${prefix}/users/${caller.userId}/credentials/OS-EC2`,
              previous: null,
              next: null,
            },
          }
        : {}),
    });
  }
  if (access === null && method === 'POST') {
    const body = await readJson(req);
    const tenantId = isPlainObject(body) ? body.tenant_id : undefined;
    if (typeof tenantId !== 'string')
      return sendBadRequest(res, "Invalid input for field 'tenant_id'.", isCompact);
    const user = findUser(world, caller.userId);
    if (!findProject(world, tenantId) || !user?.projectIds.includes(tenantId))
      return sendKeystoneError(
        res,
        401,
        'Unauthorized',
        'The request you have made requires authentication.',
        {
          isCompact,
        },
      );
    const credential: DemoEc2Credential = {
      access: randomBytes(16).toString('hex'),
      secret: randomBytes(16).toString('hex'),
      userId: caller.userId,
      projectId: tenantId,
    };
    state.ec2.push(credential);
    return send(version === '3' ? 201 : 200, { credential: bodyOf(credential) });
  }
  if (access !== null && method === 'DELETE') {
    const credential = own.find((candidate) => candidate.access === access);
    if (!credential)
      return sendKeystoneError(res, 404, 'Not Found', 'Could not find credential.', { isCompact });
    state.ec2.splice(state.ec2.indexOf(credential), 1);
    res.writeHead(204, { Vary: 'X-Auth-Token' });
    res.end();
    return;
  }
  sendKeystoneError(res, 405, 'Method Not Allowed', 'The method is not allowed for the requested URL.', {
    isCompact,
  });
}
