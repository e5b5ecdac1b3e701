import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatKeystoneTime, isPlainObject, sendKeystoneJson } from './demo-http.js';
import { sendKeystoneError } from './keystone-errors.js';
import { findProject, type DemoAppCredential, type DemoWorld } from './demo-world.js';
import type { DemoToken } from './token-registry.js';
import {
  readJson,
  sendBadRequest,
  type AppCredentialDetails,
  type CredentialState,
} from './credential-state.js';

// v3 application credentials: list, show, create (the secret once), delete.

function appCredentialBody(
  world: DemoWorld,
  credential: DemoAppCredential,
  details: AppCredentialDetails,
): unknown {
  // Keystone 22: `unrestricted` null unless it was given, `access_rules` only when there are some,
  // and each role as the role API shows it.
  return {
    id: credential.id,
    name: credential.name,
    description: details.description,
    user_id: credential.userId,
    project_id: credential.projectId,
    system: null,
    expires_at: details.expiresAt,
    unrestricted: details.unrestricted,
    roles: details.roles.map((role) => ({
      ...role,
      domain_id: null,
      description: null,
      options: { immutable: true },
    })),
    ...(details.accessRules.length > 0 ? { access_rules: details.accessRules } : {}),
    links: { self: `${world.url}/v3/application_credentials/${credential.id}` },
  };
}

function detailsOf(
  world: DemoWorld,
  state: CredentialState,
  credential: DemoAppCredential,
): AppCredentialDetails {
  return (
    state.details.get(credential.id) ?? {
      description: null,
      expiresAt: null,
      roles: world.roles,
      unrestricted: credential.restricted ? null : true,
      accessRules: [],
    }
  );
}

export async function routeApplicationCredentials(
  world: DemoWorld,
  state: CredentialState,
  req: IncomingMessage,
  res: ServerResponse,
  caller: DemoToken,
  itemId: string | null,
  method: string,
): Promise<void> {
  const own = world.applicationCredentials.filter((credential) => credential.userId === caller.userId);
  const callerCredential = world.applicationCredentials.find((c) => c.id === caller.applicationCredentialId);
  const isRestrictedCaller = callerCredential?.restricted === true;
  const refuseRestricted = () =>
    sendKeystoneError(
      res,
      403,
      'Forbidden',
      "Using method 'application_credential' is not allowed for managing additional application credentials.",
    );
  if (itemId === null && method === 'GET') {
    return sendKeystoneJson(res, 200, {
      application_credentials: own.map((credential) =>
        appCredentialBody(world, credential, detailsOf(world, state, credential)),
      ),
      links: {
        self: `${world.url}/v3/users/${caller.userId}/application_credentials`,
        previous: null,
        next: null,
      },
    });
  }
  if (itemId === null && method === 'POST') {
    if (isRestrictedCaller) return refuseRestricted();
    const body = await readJson(req);
    const asked = isPlainObject(body) ? body.application_credential : undefined;
    if (!isPlainObject(asked) || typeof asked.name !== 'string' || asked.name === '')
      return sendBadRequest(res, "Invalid input for field 'name'.");
    const project = findProject(world, caller.projectId);
    if (!project) return sendBadRequest(res, 'An application credential needs a project-scoped token.');
    if (own.some((credential) => credential.name === asked.name))
      return sendKeystoneError(res, 409, 'Conflict', `Duplicate entry found with name ${asked.name}.`);
    let roles = world.roles;
    if (Array.isArray(asked.roles)) {
      const names = asked.roles.map((role) => (isPlainObject(role) ? role.name : undefined));
      const picked = world.roles.filter((role) => names.includes(role.name));
      if (picked.length !== names.length)
        return sendKeystoneError(res, 404, 'Not Found', 'Could not find role.');
      roles = picked;
    }
    const expiresAt = typeof asked.expires_at === 'string' ? asked.expires_at : null;
    if (
      expiresAt !== null &&
      Number.isNaN(Date.parse(`${expiresAt}Z`)) &&
      Number.isNaN(Date.parse(expiresAt))
    )
      return sendBadRequest(res, "Invalid input for field 'expires_at'.");
    const accessRules = Array.isArray(asked.access_rules)
      ? asked.access_rules.filter(isPlainObject).map((rule) => ({
          id: randomBytes(16).toString('hex'),
          service: String(rule.service),
          method: String(rule.method),
          path: String(rule.path),
        }))
      : [];
    const secret =
      typeof asked.secret === 'string' && asked.secret !== ''
        ? asked.secret
        : randomBytes(48).toString('base64url');
    const credential: DemoAppCredential = {
      id: randomBytes(16).toString('hex'),
      name: asked.name,
      secret,
      userId: caller.userId,
      projectId: project.id,
      restricted: asked.unrestricted !== true,
    };
    const details: AppCredentialDetails = {
      description: typeof asked.description === 'string' ? asked.description : null,
      // Keystone stores and answers it without a zone, in microseconds.
      expiresAt:
        expiresAt === null
          ? null
          : formatKeystoneTime(Date.parse(expiresAt.endsWith('Z') ? expiresAt : `${expiresAt}Z`)).replace(
              /Z$/,
              '',
            ),
      roles,
      unrestricted: typeof asked.unrestricted === 'boolean' ? asked.unrestricted : null,
      accessRules,
    };
    world.applicationCredentials.push(credential);
    state.details.set(credential.id, details);
    return sendKeystoneJson(res, 201, {
      application_credential: { ...(appCredentialBody(world, credential, details) as object), secret },
    });
  }
  if (itemId !== null && (method === 'GET' || method === 'DELETE')) {
    const credential = own.find((candidate) => candidate.id === itemId);
    if (!credential)
      return sendKeystoneError(res, 404, 'Not Found', `Could not find Application Credential: ${itemId}.`);
    if (method === 'GET') {
      return sendKeystoneJson(res, 200, {
        application_credential: appCredentialBody(world, credential, detailsOf(world, state, credential)),
      });
    }
    if (isRestrictedCaller) return refuseRestricted();
    world.applicationCredentials.splice(world.applicationCredentials.indexOf(credential), 1);
    state.details.delete(credential.id);
    res.writeHead(204, { Vary: 'X-Auth-Token' });
    res.end();
    return;
  }
  sendKeystoneError(res, 405, 'Method Not Allowed', 'The method is not allowed for the requested URL.');
}
