import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendKeystoneError, sendTooManyTokenCreations, sendUnauthorized } from './keystone-errors.js';
import {
  flaskMethodNotAllowedHtml,
  formatSecondsZ,
  formatV2IssuedAt,
  headerValue,
  isPlainObject,
  readBodyText,
  sendFlaskNotFound,
  sendNeutronJson,
  sendText,
} from './demo-http.js';
import { handleCredentialRoutes } from './credential-routes.js';
import type { DemoProject } from './demo-profiles.js';
import { buildV2Catalog, findProject, type DemoWorld } from './demo-world.js';
import type { DemoToken } from './token-registry.js';

/**
 * Keystone v2.0 (retired upstream in Queens; still what NHN Cloud documents, seed 004):
 * https://docs.openstack.org/keystone/pike/api_curl_examples.html (v2.0 examples) and the NHN guide.
 * Bodies use Python json.dumps spacing, as v2.0-era Keystone did.
 *
 * DELETE /v2.0/tokens/{id}: upstream v2.0 offered it on the admin API only. NHN documents no
 * revocation, so the nhn profile answers 501 Not Implemented (Keystone's own NotImplemented body) and
 * a client must treat revocation as best effort there: the token simply lives until `expires`.
 * The default profile revokes (204) when the caller presents the token itself or another valid one.
 */
export async function handleKeystoneV2(
  world: DemoWorld,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (path === '/v2.0' || path === '/v2.0/') {
    if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res);
    return sendNeutronJson(res, 200, versionDocument(world));
  }
  if (path === '/v2.0/tokens') {
    if (method !== 'POST') return sendMethodNotAllowed(res);
    return issueToken(world, req, res);
  }
  if (path === '/v2.0/tenants') {
    if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res);
    return listTenants(world, req, res);
  }
  const revokeMatch = /^\/v2\.0\/tokens\/([^/]+)$/.exec(path);
  if (revokeMatch) {
    if (method !== 'DELETE') return sendMethodNotAllowed(res);
    return revokeToken(world, req, res, decodeURIComponent(revokeMatch[1] ?? ''));
  }
  if (await handleCredentialRoutes(world, req, res, path)) return;
  return sendFlaskNotFound(res);
}

function authUri(world: DemoWorld): string {
  return `${world.url}/v2.0`;
}

function sendMethodNotAllowed(res: ServerResponse): void {
  sendText(res, 405, 'text/html; charset=utf-8', flaskMethodNotAllowedHtml);
}

function sendV2Error(res: ServerResponse, status: number, title: string, message: string): void {
  sendKeystoneError(res, status, title, message, { isCompact: false });
}

function versionDocument(world: DemoWorld): unknown {
  return {
    version: {
      status: 'deprecated',
      updated: '2016-08-04T00:00:00Z',
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v2.0+json' }],
      id: 'v2.0',
      links: [{ href: `${world.url}/v2.0/`, rel: 'self' }],
    },
  };
}

async function issueToken(world: DemoWorld, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(await readBodyText(req));
  } catch {
    return sendV2Error(res, 400, 'Bad Request', 'Malformed request body');
  }
  const auth = isPlainObject(body) ? body.auth : undefined;
  if (!isPlainObject(auth))
    return sendV2Error(res, 400, 'Bad Request', 'Expecting to find auth in request body.');

  let parent: DemoToken | undefined;
  const credentials = auth.passwordCredentials;
  if (isPlainObject(credentials)) {
    if (typeof credentials.username !== 'string' && typeof credentials.userId !== 'string') {
      return sendV2Error(
        res,
        400,
        'Bad Request',
        'Expecting to find username or userId in passwordCredentials.',
      );
    }
    const isUser = credentials.username === world.spec.username || credentials.userId === world.userId;
    if (!isUser || credentials.password !== world.spec.password)
      return sendUnauthorized(res, authUri(world), false);
  } else if (isPlainObject(auth.token) && typeof auth.token.id === 'string') {
    // v2.0 token-for-token exchange; like v3 re-scope it keeps the parent's expiry.
    const found = world.registry.lookup(auth.token.id);
    if (found.kind !== 'valid') return sendUnauthorized(res, authUri(world), false);
    parent = found.token;
  } else {
    return sendV2Error(res, 400, 'Bad Request', 'Expecting to find passwordCredentials or token in auth.');
  }

  let project: DemoProject | undefined;
  if (typeof auth.tenantId === 'string') {
    project = world.spec.projects.find((p) => p.id === auth.tenantId);
    if (!project) return sendUnauthorized(res, authUri(world), false);
  } else if (typeof auth.tenantName === 'string') {
    project = world.spec.projects.find((p) => p.name === auth.tenantName);
    if (!project) return sendUnauthorized(res, authUri(world), false);
  }

  const budget = world.limiter.take(world.userId);
  if (!budget.isAllowed) {
    return sendTooManyTokenCreations(
      res,
      budget.retryAfterSeconds,
      world.spec.tokenCreationsPerMinute,
      false,
    );
  }
  const token = world.registry.issue({
    apiVersion: '2.0',
    userId: world.userId,
    projectId: project?.id ?? null,
    methods: parent ? ['token'] : ['password'],
    lifetimeSeconds: world.tokenLifetimeSeconds,
    ...(parent ? { parentAuditId: parent.auditIds[0], expiresAtMs: parent.expiresAtMs } : {}),
  });
  sendNeutronJson(res, 200, accessBody(world, token));
}

/** The `access` document, field order as in seed 004. */
function accessBody(world: DemoWorld, token: DemoToken): unknown {
  const project = findProject(world, token.projectId);
  const tokenPart: Record<string, unknown> = {
    id: token.id,
    expires: formatSecondsZ(token.expiresAtMs),
  };
  if (project) {
    tokenPart.tenant = {
      id: project.id,
      name: project.name,
      description: project.description,
      enabled: true,
    };
  }
  // `YYYY-MM-DDThh:mm:ss.SSSSSS`, no time zone: a client must read it as UTC (seed 004).
  tokenPart.issued_at = formatV2IssuedAt(token.issuedAtMs);
  return {
    access: {
      token: tokenPart,
      serviceCatalog: project ? buildV2Catalog(world, project.id) : [],
      user: {
        id: world.userId,
        username: world.spec.username,
        name: world.spec.username,
        roles: project ? world.roles.map((r) => ({ name: r.name })) : [],
        roles_links: [],
      },
      metadata: { roles: project ? world.roles.map((r) => r.id) : [], is_admin: 0 },
    },
  };
}

function listTenants(world: DemoWorld, req: IncomingMessage, res: ServerResponse): void {
  if (world.registry.lookup(headerValue(req, 'x-auth-token')).kind !== 'valid') {
    return sendUnauthorized(res, authUri(world), false);
  }
  sendNeutronJson(res, 200, {
    tenants_links: [],
    tenants: world.spec.projects.map((p) => ({
      description: p.description,
      enabled: true,
      id: p.id,
      name: p.name,
    })),
  });
}

function revokeToken(world: DemoWorld, req: IncomingMessage, res: ServerResponse, id: string): void {
  if (!world.spec.isV2RevokeSupported) {
    return sendV2Error(
      res,
      501,
      'Not Implemented',
      'The action you have requested has not been implemented.',
    );
  }
  const caller = headerValue(req, 'x-auth-token');
  if (caller === undefined || (caller !== id && world.registry.lookup(caller).kind !== 'valid')) {
    return sendUnauthorized(res, authUri(world), false);
  }
  const found = world.registry.lookup(id);
  if (found.kind !== 'valid') return sendV2Error(res, 404, 'Not Found', `Could not find token: ${id}.`);
  world.registry.revoke(found.token);
  res.writeHead(204);
  res.end();
}
