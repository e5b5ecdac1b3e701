import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  formatKeystoneTime,
  headerValue,
  isPlainObject,
  readBodyText,
  sendKeystoneJson,
  sendNeutronJson,
} from './demo-http.js';
import { sendKeystoneError, sendUnauthorized } from './keystone-errors.js';
import type { CredentialApiAnswer } from './demo-profiles.js';
import { findProject, findUser, type DemoAppCredential, type DemoWorld } from './demo-world.js';
import type { DemoToken } from './token-registry.js';

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

interface DemoEc2Credential {
  access: string;
  secret: string;
  userId: string;
  projectId: string;
}

interface CredentialState {
  ec2: DemoEc2Credential[];
  /** What Keystone stores besides what sign-in needs (DemoAppCredential), per application credential. */
  details: Map<string, AppCredentialDetails>;
}

interface AppCredentialDetails {
  description: string | null;
  expiresAt: string | null;
  roles: { id: string; name: string }[];
  /** null when the creation did not say (Keystone 22 answers null then). */
  unrestricted: boolean | null;
  accessRules: { id: string; service: string; method: string; path: string }[];
}

const states = new WeakMap<DemoWorld, CredentialState>();

function stateOf(world: DemoWorld): CredentialState {
  let state = states.get(world);
  if (!state) {
    state = { ec2: [], details: new Map() };
    states.set(world, state);
  }
  return state;
}

function sendRefusal(
  res: ServerResponse,
  answer: Exclude<CredentialApiAnswer, 'served'>,
  isCompact: boolean,
): void {
  if (answer === 403) {
    sendKeystoneError(res, 403, 'Forbidden', 'You are not authorized to perform the requested action.', {
      isCompact,
    });
  } else if (answer === 404) {
    sendKeystoneError(res, 404, 'Not Found', 'The resource could not be found.', { isCompact });
  } else {
    sendKeystoneError(
      res,
      501,
      'Not Implemented',
      'The action you have requested has not been implemented.',
      {
        isCompact,
      },
    );
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  try {
    return JSON.parse(await readBodyText(req)) as unknown;
  } catch {
    return undefined;
  }
}

function sendBadRequest(res: ServerResponse, message: string, isCompact = true): void {
  sendKeystoneError(res, 400, 'Bad Request', message, { isCompact });
}

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

async function routeApplicationCredentials(
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

async function routeEc2(
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
