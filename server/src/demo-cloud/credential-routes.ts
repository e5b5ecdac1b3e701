import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerValue } from './demo-http.js';
import { sendKeystoneError, sendUnauthorized } from './keystone-errors.js';
import { type DemoWorld } from './demo-world.js';
import { sendRefusal, stateOf } from './credential-state.js';
import { routeApplicationCredentials } from './application-credential-routes.js';
import { routeEc2 } from './ec2-credential-routes.js';

/**
 * Credentials for automation, as Keystone 22 answers them in the lab:
 * - v3 application credentials, /v3/users/{user_id}/application_credentials[/{id}]
 *   (https://docs.openstack.org/api-ref/identity/v3/#application-credentials): the secret only in
 *   the creation's answer; a token of a restricted application credential may neither create nor
 *   delete one (403); a name taken by the user is 409.
 * - EC2 credentials, /v3/users/{user_id}/credentials/OS-EC2[/{access}] and the same under /v2.0
 *   (https://docs.openstack.org/api-ref/identity/v3-ext/#os-ec2-api): Keystone lists them with
 *   their secrets; v3 answers a creation 201, v2.0 200.
 * What each profile answers instead (403, 404, 501) is ProfileSpec.credentialApis.
 * Returns false when the path is none of these, so the caller answers it.
 */
export async function handleCredentialRoutes(
  world: DemoWorld,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const match =
    /^\/(v3|v2\.0)\/users\/([^/]+)\/(application_credentials|credentials\/OS-EC2)(?:\/([^/]+))?$/.exec(path);
  if (!match) return false;
  const version = match[1] === 'v3' ? '3' : '2.0';
  const userId = decodeURIComponent(match[2] ?? '');
  const isAppCredentials = match[3] === 'application_credentials';
  const itemId = match[4] === undefined ? null : decodeURIComponent(match[4]);
  const method = req.method ?? 'GET';
  const isCompact = version === '3';
  if (isAppCredentials && version !== '3') return false;

  const found = world.registry.lookup(headerValue(req, 'x-auth-token'));
  if (found.kind !== 'valid') {
    sendUnauthorized(res, `${world.url}/${match[1]}`, isCompact);
    return true;
  }
  const caller = found.token;
  const answer = isAppCredentials
    ? world.spec.credentialApis.applicationCredentials
    : world.spec.credentialApis.ec2;
  if (answer !== 'served') {
    sendRefusal(res, answer, isCompact);
    return true;
  }
  // Keystone's policy: a user's own credentials only ("rule:owner").
  if (caller.userId !== userId) {
    sendKeystoneError(res, 403, 'Forbidden', 'You are not authorized to perform the requested action.', {
      isCompact,
    });
    return true;
  }
  const state = stateOf(world);
  if (isAppCredentials) {
    await routeApplicationCredentials(world, state, req, res, caller, itemId, method);
  } else {
    await routeEc2(world, state, req, res, caller, itemId, method, version);
  }
  return true;
}
