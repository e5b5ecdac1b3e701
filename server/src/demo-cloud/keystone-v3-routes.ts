import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  badRequestMessage,
  sendKeystoneError,
  sendTooManyTokenCreations,
  sendUnauthorized,
} from './keystone-errors.js';
import {
  flaskMethodNotAllowedHtml,
  formatKeystoneTime,
  headerValue,
  isPlainObject,
  readBodyText,
  sendFlaskNotFound,
  sendKeystoneJson,
  sendText,
} from './demo-http.js';
import type { DemoProject } from './demo-profiles.js';
import { buildV3Catalog, findProject, type DemoWorld } from './demo-world.js';
import type { DemoToken } from './token-registry.js';

/**
 * Keystone v3 token API, shaped like Keystone 22 in the lab:
 * https://docs.openstack.org/api-ref/identity/v3/#authentication-and-token-management
 * `path` is the request path starting with `/v3`.
 */
export async function handleKeystoneV3(
  world: DemoWorld,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  const method = req.method ?? 'GET';
  switch (path) {
    case '/v3':
    case '/v3/':
      if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res);
      return sendKeystoneJson(res, 200, versionDocument(world));
    case '/v3/auth/tokens':
      if (method === 'POST') return issueToken(world, req, res);
      if (method === 'GET' || method === 'HEAD') return validateToken(world, req, res, query);
      if (method === 'DELETE') return revokeToken(world, req, res);
      return sendMethodNotAllowed(res);
    case '/v3/auth/catalog':
      if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res);
      return listCatalog(world, req, res);
    case '/v3/auth/projects':
      if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res);
      return listProjects(world, req, res);
    default:
      return sendFlaskNotFound(res);
  }
}

function authUri(world: DemoWorld): string {
  return `${world.url}/v3`;
}

function sendMethodNotAllowed(res: ServerResponse): void {
  sendText(res, 405, 'text/html; charset=utf-8', flaskMethodNotAllowedHtml);
}

function versionDocument(world: DemoWorld): unknown {
  return {
    version: {
      id: 'v3.14',
      status: 'stable',
      updated: '2020-04-07T00:00:00Z',
      links: [{ rel: 'self', href: `${world.url}/v3/` }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
    },
  };
}

type Resolution<T> = { ok: true; value: T } | { ok: false; send: (res: ServerResponse) => void };

function fail(
  status: 400 | 401 | 404,
  world: DemoWorld,
  message?: string,
): { ok: false; send: (res: ServerResponse) => void } {
  if (status === 401) return { ok: false, send: (res) => sendUnauthorized(res, authUri(world)) };
  if (status === 404) {
    return {
      ok: false,
      send: (res) => sendKeystoneError(res, 404, 'Not Found', message ?? 'Failed to validate token'),
    };
  }
  return {
    ok: false,
    send: (res) => sendKeystoneError(res, 400, 'Bad Request', badRequestMessage(message ?? '')),
  };
}

async function issueToken(world: DemoWorld, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(await readBodyText(req));
  } catch {
    return sendKeystoneError(
      res,
      400,
      'Bad Request',
      badRequestMessage('Expecting to find valid JSON in request body.'),
    );
  }
  const auth = isPlainObject(body) ? body.auth : undefined;
  if (!isPlainObject(auth)) {
    return sendKeystoneError(
      res,
      400,
      'Bad Request',
      "'auth' is a required property\n\nFailed validating 'required' in schema",
    );
  }
  const identity = auth.identity;
  if (!isPlainObject(identity)) {
    // Keystone prints the whole JSON schema after this line; its first line is what clients show.
    return sendKeystoneError(
      res,
      400,
      'Bad Request',
      "'identity' is a required property\n\nFailed validating 'required' in schema['properties']['auth']",
    );
  }
  const methods = identity.methods;
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string')) {
    return sendKeystoneError(res, 400, 'Bad Request', "'methods' is a required property");
  }

  // Who is asking: password (fresh lifetime) or token (re-scope, keeps the parent's expiry).
  let parent: DemoToken | undefined;
  if (methods.includes('token')) {
    const tokenRef = identity.token;
    const parentId = isPlainObject(tokenRef) && typeof tokenRef.id === 'string' ? tokenRef.id : undefined;
    if (parentId === undefined) return fail(400, world, 'Expecting to find id in token.').send(res);
    const found = world.registry.lookup(parentId);
    // Lab: re-scope with an expired (or revoked) token is 404, not 401.
    if (found.kind === 'unknown') return fail(404, world, 'Could not recognize Fernet token').send(res);
    if (found.kind === 'invalid') return fail(404, world).send(res);
    parent = found.token;
  } else if (methods.includes('password')) {
    const user = checkPasswordUser(world, identity.password);
    if (!user.ok) return user.send(res);
  } else {
    return sendUnauthorized(res, authUri(world));
  }

  const scope = resolveScope(world, auth.scope);
  if (!scope.ok) return scope.send(res);

  const budget = world.limiter.take(world.userId);
  if (!budget.isAllowed) {
    return sendTooManyTokenCreations(res, budget.retryAfterSeconds, world.spec.tokenCreationsPerMinute);
  }

  const projectId = scope.value?.id ?? null;
  const token = parent
    ? world.registry.issue({
        apiVersion: '3',
        userId: world.userId,
        projectId,
        methods: [...new Set([...parent.methods, 'token'])],
        parentAuditId: parent.auditIds[0],
        lifetimeSeconds: world.tokenLifetimeSeconds,
        expiresAtMs: parent.expiresAtMs,
      })
    : world.registry.issue({
        apiVersion: '3',
        userId: world.userId,
        projectId,
        methods: ['password'],
        lifetimeSeconds: world.tokenLifetimeSeconds,
      });
  const responseBody = world.spec.isTokenBodyMinimal
    ? minimalTokenBody(world, token)
    : tokenBody(world, token, world.spec.isCatalogInTokenBody);
  sendKeystoneJson(res, 201, responseBody, { 'X-Subject-Token': token.id });
}

function checkPasswordUser(world: DemoWorld, password: unknown): Resolution<null> {
  const user = isPlainObject(password) ? password.user : undefined;
  if (!isPlainObject(user)) return fail(400, world, 'Expecting to find user in password.');
  if (typeof user.password !== 'string') return fail(400, world, 'Expecting to find password in user.');
  const { spec } = world;
  let isKnownUser: boolean;
  if (typeof user.id === 'string') {
    isKnownUser = user.id === world.userId;
  } else if (typeof user.name === 'string') {
    const domain = user.domain;
    if (!isPlainObject(domain)) return fail(400, world, 'Expecting to find domain in user.');
    isKnownUser = user.name === spec.username && isDomainMatch(world, domain);
  } else {
    return fail(400, world, 'Expecting to find id or name in user.');
  }
  // Wrong password and unknown user are the same 401 (Keystone gives no hint which).
  if (!isKnownUser || user.password !== spec.password) return fail(401, world);
  return { ok: true, value: null };
}

function isDomainMatch(world: DemoWorld, domain: Record<string, unknown>): boolean {
  if (typeof domain.id === 'string') return domain.id === world.spec.domain.id;
  if (typeof domain.name === 'string') return domain.name === world.spec.domain.name;
  return false;
}

/**
 * `scope.project` by id, or by name + domain {id|name}. Any extra key, such as VK's `region`
 * (seeds 000/001), is accepted and ignored, as Keystone's schema allows additional properties.
 * Domain, system and trust scopes are 401: the demo user holds no role there.
 */
function resolveScope(world: DemoWorld, scope: unknown): Resolution<DemoProject | null> {
  if (scope === undefined) return { ok: true, value: null };
  if (!isPlainObject(scope)) return fail(400, world, 'Expecting to find scope as an object.');
  const project = scope.project;
  if (!isPlainObject(project)) return fail(401, world);
  let found: DemoProject | undefined;
  if (typeof project.id === 'string') {
    found = world.spec.projects.find((p) => p.id === project.id);
  } else if (typeof project.name === 'string') {
    if (!isPlainObject(project.domain)) return fail(400, world, 'Expecting to find domain in project.');
    const isDomain = isDomainMatch(world, project.domain);
    found = isDomain ? world.spec.projects.find((p) => p.name === project.name) : undefined;
  } else {
    return fail(400, world, 'Expecting to find id or name in project.');
  }
  // A nonexistent project and a project without a role give the same 401 (lab).
  if (!found) return fail(401, world);
  return { ok: true, value: found };
}

function userRef(world: DemoWorld): Record<string, unknown> {
  const { domain } = world.spec;
  return {
    domain: { id: domain.id, name: domain.name },
    id: world.userId,
    name: world.spec.username,
    password_expires_at: null,
  };
}

/** Body of a token: unscoped tokens carry no project, roles, catalog or is_domain (lab). */
export function tokenBody(world: DemoWorld, token: DemoToken, isCatalogIncluded: boolean): unknown {
  const body: Record<string, unknown> = {
    methods: token.methods,
    user: userRef(world),
    audit_ids: token.auditIds,
    expires_at: formatKeystoneTime(token.expiresAtMs),
    issued_at: formatKeystoneTime(token.issuedAtMs),
  };
  const project = findProject(world, token.projectId);
  if (project) {
    body.project = { domain: { ...world.spec.domain }, id: project.id, name: project.name };
    body.is_domain = false;
    if (world.spec.hasIsAdminProjectField) body.is_admin_project = false;
    // The implied `reader` role is listed too; Keystone's order varies between tokens.
    body.roles = Math.random() < 0.5 ? world.roles : world.roles.slice().reverse();
    if (isCatalogIncluded) body.catalog = buildV3Catalog(world, project.id);
  }
  return { token: body };
}

/**
 * VK's POST /v3/auth/tokens answer (seed 001, 322 bytes): issued_at, audit_ids, methods, expires_at,
 * user and nothing else, even for a project-scoped request: no project, roles, catalog.
 */
function minimalTokenBody(world: DemoWorld, token: DemoToken): unknown {
  const { domain } = world.spec;
  return {
    token: {
      issued_at: formatKeystoneTime(token.issuedAtMs),
      audit_ids: token.auditIds,
      methods: token.methods,
      expires_at: formatKeystoneTime(token.expiresAtMs),
      user: {
        password_expires_at: null,
        domain: { id: domain.id, name: domain.name },
        id: world.userId,
        name: world.spec.username,
      },
    },
  };
}

/**
 * Checks X-Auth-Token for the token API. A token may validate or revoke itself: when X-Auth-Token
 * equals X-Subject-Token the subject check alone decides, so revoking an already revoked token is
 * 404 "Failed to validate token" as in the lab, not 401.
 */
function checkCaller(
  world: DemoWorld,
  req: IncomingMessage,
  res: ServerResponse,
): string | undefined | false {
  const authToken = headerValue(req, 'x-auth-token');
  const subject = headerValue(req, 'x-subject-token');
  if (authToken === undefined) {
    sendUnauthorized(res, authUri(world));
    return false;
  }
  if (authToken !== subject && world.registry.lookup(authToken).kind !== 'valid') {
    sendUnauthorized(res, authUri(world));
    return false;
  }
  return subject;
}

function lookupSubject(
  world: DemoWorld,
  res: ServerResponse,
  subject: string | undefined,
): DemoToken | undefined {
  if (subject === undefined) {
    sendKeystoneError(
      res,
      400,
      'Bad Request',
      badRequestMessage('Expecting to find X-Subject-Token in header.'),
    );
    return undefined;
  }
  const found = world.registry.lookup(subject);
  if (found.kind === 'valid') return found.token;
  sendKeystoneError(
    res,
    404,
    'Not Found',
    found.kind === 'unknown' ? 'Could not recognize Fernet token' : 'Failed to validate token',
  );
  return undefined;
}

function validateToken(
  world: DemoWorld,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): void {
  const subject = checkCaller(world, req, res);
  if (subject === false) return;
  const token = lookupSubject(world, res, subject);
  if (!token) return;
  // `?nocatalog` drops the catalog; VK never sends one in a token body.
  const isCatalogIncluded = !query.has('nocatalog') && world.spec.isCatalogInTokenBody;
  sendKeystoneJson(res, 200, tokenBody(world, token, isCatalogIncluded), { 'X-Subject-Token': token.id });
}

function revokeToken(world: DemoWorld, req: IncomingMessage, res: ServerResponse): void {
  const subject = checkCaller(world, req, res);
  if (subject === false) return;
  const token = lookupSubject(world, res, subject);
  if (!token) return;
  world.registry.revoke(token);
  res.writeHead(204, { Vary: 'X-Auth-Token' });
  res.end();
}

function requireCaller(world: DemoWorld, req: IncomingMessage, res: ServerResponse): DemoToken | undefined {
  const found = world.registry.lookup(headerValue(req, 'x-auth-token'));
  if (found.kind === 'valid') return found.token;
  sendUnauthorized(res, authUri(world));
  return undefined;
}

function listCatalog(world: DemoWorld, req: IncomingMessage, res: ServerResponse): void {
  const caller = requireCaller(world, req, res);
  if (!caller) return;
  const project = findProject(world, caller.projectId);
  if (!project) {
    return sendKeystoneError(
      res,
      403,
      'Forbidden',
      'A project-scoped token is required to produce a service catalog.',
    );
  }
  sendKeystoneJson(res, 200, {
    catalog: buildV3Catalog(world, project.id),
    links: { self: `${world.url}/v3/auth/catalog`, previous: null, next: null },
  });
}

function listProjects(world: DemoWorld, req: IncomingMessage, res: ServerResponse): void {
  if (!requireCaller(world, req, res)) return;
  sendKeystoneJson(res, 200, {
    projects: world.spec.projects.map((p) => ({
      is_domain: false,
      description: p.description,
      links: { self: `${world.url}/v3/projects/${p.id}` },
      tags: [],
      enabled: true,
      id: p.id,
      parent_id: world.spec.domain.id,
      domain_id: world.spec.domain.id,
      name: p.name,
      options: {},
    })),
    links: { self: `${world.url}/v3/auth/projects`, previous: null, next: null },
  });
}
