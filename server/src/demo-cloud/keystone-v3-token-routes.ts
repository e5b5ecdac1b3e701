import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequestMessage, sendKeystoneError, sendUnauthorized } from './keystone-errors.js';
import { formatKeystoneTime, headerValue, sendKeystoneJson } from './demo-http.js';
import { buildV3Catalog, findProject, findUser, type DemoWorld } from './demo-world.js';
import type { DemoToken } from './token-registry.js';
import { authUri } from './keystone-v3-resolution.js';

function userRef(world: DemoWorld, userId: string): Record<string, unknown> {
  const { domain } = world.spec;
  const user = findUser(world, userId);
  return {
    domain: { id: domain.id, name: domain.name },
    id: userId,
    name: user?.name ?? world.spec.username,
    password_expires_at: null,
  };
}

/** Body of a token: unscoped tokens carry no project, roles, catalog or is_domain (lab). */
export function tokenBody(world: DemoWorld, token: DemoToken, isCatalogIncluded: boolean): unknown {
  const body: Record<string, unknown> = {
    methods: token.methods,
    user: userRef(world, token.userId),
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
  }
  const appCredential = world.applicationCredentials.find((c) => c.id === token.applicationCredentialId);
  if (appCredential) {
    body.application_credential = {
      id: appCredential.id,
      name: appCredential.name,
      restricted: appCredential.restricted,
    };
  }
  if (project && isCatalogIncluded) body.catalog = buildV3Catalog(world, project.id);
  return { token: body };
}

/**
 * VK's POST /v3/auth/tokens answer (seed 001, 322 bytes): issued_at, audit_ids, methods, expires_at,
 * user and nothing else, even for a project-scoped request: no project, roles, catalog.
 */
export function minimalTokenBody(world: DemoWorld, token: DemoToken): unknown {
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
        id: token.userId,
        name: findUser(world, token.userId)?.name ?? world.spec.username,
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

export function validateToken(
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

export function revokeToken(world: DemoWorld, req: IncomingMessage, res: ServerResponse): void {
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

export function listCatalog(world: DemoWorld, req: IncomingMessage, res: ServerResponse): void {
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

export function listProjects(world: DemoWorld, req: IncomingMessage, res: ServerResponse): void {
  const caller = requireCaller(world, req, res);
  if (!caller) return;
  // The projects where the caller's user has a role, even for an application credential's token (lab).
  const projectIds = findUser(world, caller.userId)?.projectIds ?? [];
  sendKeystoneJson(res, 200, {
    projects: world.spec.projects
      .filter((p) => projectIds.includes(p.id))
      .map((p) => ({
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
