import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  badRequestMessage,
  sendAuthPluginError,
  sendKeystoneError,
  sendReceiptNotFound,
  sendTooManyTokenCreations,
  sendUnauthorized,
} from './keystone-errors.js';
import {
  flaskMethodNotAllowedHtml,
  formatKeystoneTime,
  headerValue,
  isPlainObject,
  isSameKeystoneSecret,
  newRequestId,
  readBodyText,
  sendFlaskNotFound,
  sendKeystoneJson,
  sendText,
  toPythonJson,
} from './demo-http.js';
import type { DemoProject } from './demo-profiles.js';
import {
  buildV3Catalog,
  findProject,
  findUser,
  type DemoAppCredential,
  type DemoUser,
  type DemoWorld,
} from './demo-world.js';
import type { DemoToken } from './token-registry.js';
import { isTotpPasscodeValid } from './totp-passcodes.js';

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

  // Keystone checks the request's shape before anyone's credentials (AuthInfo.create): each method's
  // data, the methods it offers, then the scope; an application credential may not ask for a scope.
  const methodNames = [...new Set(methods as string[])];
  const missing = methodNames.find((name) => !(name in identity));
  if (missing !== undefined) return fail(400, world, `Expecting to find ${missing} in identity.`).send(res);
  const offered = offeredMethods(world);
  if (!methodNames.every((name) => offered.includes(name))) {
    return sendAuthPluginError(res, authUri(world), 'Attempted to authenticate with an unsupported method.', {
      methods: offered,
    });
  }
  if (methodNames.includes('application_credential') && 'scope' in auth) {
    return sendAuthPluginError(
      res,
      authUri(world),
      'Error authenticating with application credential: Application credentials cannot request a scope.',
    );
  }
  const scope = resolveScope(world, auth.scope);
  if (!scope.ok) return scope.send(res);

  let user: DemoUser;
  let parent: DemoToken | undefined;
  let appCredential: DemoAppCredential | undefined;
  let methodsDone: string[];
  if (methodNames.includes('token')) {
    // Re-scope: keeps the parent's methods and expiry (Keystone never extends a token).
    const tokenRef = identity.token;
    const parentId = isPlainObject(tokenRef) && typeof tokenRef.id === 'string' ? tokenRef.id : undefined;
    if (parentId === undefined) return fail(400, world, 'Expecting to find id in token.').send(res);
    const found = world.registry.lookup(parentId);
    // Lab: re-scope with an expired (or revoked) token is 404, not 401.
    if (found.kind === 'unknown') return fail(404, world, 'Could not recognize Fernet token').send(res);
    if (found.kind === 'invalid') return fail(404, world).send(res);
    parent = found.token;
    if (parent.applicationCredentialId !== null) {
      // Lab, for any scope: an application credential's token makes no other token.
      return sendKeystoneError(
        res,
        403,
        'Forbidden',
        'You are not authorized to perform the requested action: Using a delegated token to create another token is not allowed..',
      );
    }
    const parentUser = findUser(world, parent.userId);
    if (!parentUser) return fail(401, world).send(res);
    user = parentUser;
    methodsDone = [...new Set([...parent.methods, 'token'])];
  } else {
    const authenticated = authenticateMethods(world, identity, methodNames);
    if (!authenticated.ok) return authenticated.send(res);
    ({ user, appCredential } = authenticated.value);
    methodsDone = authenticated.value.methods;

    // A receipt from an earlier step counts its methods as done, if it is this user's and still valid.
    const receiptId = headerValue(req, 'openstack-auth-receipt');
    if (receiptId !== undefined) {
      const receipt = world.receipts.find(receiptId);
      if (!receipt || receipt.userId !== user.id) return sendReceiptNotFound(res, authUri(world), receiptId);
      methodsDone = [...new Set([...methodsDone, ...receipt.methods])];
    }
    if (!isMfaSatisfied(user, methodsDone)) return sendAuthReceipt(world, res, user, methodsDone);
  }

  // A project without a role of the user's is the same 401 as an unknown one (lab). Keystone checks
  // it when it issues the token, after the second factor: the password alone earns a receipt anyway.
  const project = appCredential ? findProject(world, appCredential.projectId) : scope.value;
  if (project && !user.projectIds.includes(project.id)) return fail(401, world).send(res);

  const budget = world.limiter.take(user.id);
  if (!budget.isAllowed) {
    return sendTooManyTokenCreations(res, budget.retryAfterSeconds, world.spec.tokenCreationsPerMinute);
  }

  const token = world.registry.issue({
    apiVersion: '3',
    userId: user.id,
    projectId: project?.id ?? null,
    methods: methodsDone,
    lifetimeSeconds: world.tokenLifetimeSeconds,
    ...(appCredential ? { applicationCredentialId: appCredential.id } : {}),
    ...(parent ? { parentAuditId: parent.auditIds[0], expiresAtMs: parent.expiresAtMs } : {}),
  });
  const responseBody = world.spec.isTokenBodyMinimal
    ? minimalTokenBody(world, token)
    : tokenBody(world, token, world.spec.isCatalogInTokenBody);
  sendKeystoneJson(res, 201, responseBody, { 'X-Subject-Token': token.id });
}

/** Keystone's `[auth] methods` as the demo has them: the lab's, less what the profile documents not. */
function offeredMethods(world: DemoWorld): string[] {
  const methods = ['password', 'token'];
  if (world.applicationCredentials.length > 0) methods.push('application_credential');
  if (world.users.some((user) => user.totpSecret !== null)) methods.push('totp');
  return methods;
}

interface Authenticated {
  user: DemoUser;
  /** Keystone's order: each method that succeeds goes to the front of the list (lab: ["totp", "password"]). */
  methods: string[];
  appCredential?: DemoAppCredential;
}

/**
 * Runs each method of a token request, in the request's order, as Keystone's authenticate() does:
 * the first failure answers, and every method must name the same user.
 */
function authenticateMethods(
  world: DemoWorld,
  identity: Record<string, unknown>,
  methodNames: string[],
): Resolution<Authenticated> {
  let user: DemoUser | undefined;
  let appCredential: DemoAppCredential | undefined;
  const done: string[] = [];
  for (const name of methodNames) {
    let found: Resolution<DemoUser>;
    if (name === 'password') {
      found = checkPasswordUser(world, identity.password);
    } else if (name === 'totp') {
      found = checkTotpUser(world, identity.totp);
    } else {
      const checked = checkApplicationCredential(world, identity.application_credential);
      if (!checked.ok) return checked;
      appCredential = checked.value;
      const owner = findUser(world, checked.value.userId);
      found = owner ? { ok: true, value: owner } : fail(401, world);
    }
    if (!found.ok) return found;
    // Keystone's AuthContext refuses two methods that name different users (a hidden 401).
    if (user && user.id !== found.value.id) return fail(401, world);
    user = found.value;
    done.unshift(name);
  }
  if (!user) return fail(401, world);
  return { ok: true, value: { user, methods: done, ...(appCredential ? { appCredential } : {}) } };
}

/** The user named by `{id}` or `{name, domain: {id|name}}`, or the 400 Keystone gives for the shape. */
function findNamedUser(world: DemoWorld, user: Record<string, unknown>): Resolution<DemoUser | undefined> {
  if (typeof user.id === 'string') {
    return { ok: true, value: findUser(world, user.id) };
  }
  if (typeof user.name === 'string') {
    const domain = user.domain;
    if (!isPlainObject(domain)) return fail(400, world, 'Expecting to find domain in user.');
    const isDomain = isDomainMatch(world, domain);
    return { ok: true, value: isDomain ? world.users.find((u) => u.name === user.name) : undefined };
  }
  return fail(400, world, 'Expecting to find id or name in user.');
}

function checkPasswordUser(world: DemoWorld, password: unknown): Resolution<DemoUser> {
  const user = isPlainObject(password) ? password.user : undefined;
  if (!isPlainObject(user)) return fail(400, world, 'Expecting to find user in password.');
  if (typeof user.password !== 'string') return fail(400, world, 'Expecting to find password in user.');
  const found = findNamedUser(world, user);
  if (!found.ok) return found;
  // Wrong password and unknown user are the same 401 (Keystone gives no hint which).
  if (!found.value || !isSameKeystoneSecret(user.password, found.value.password)) return fail(401, world);
  return { ok: true, value: found.value };
}

/**
 * The totp method (https://docs.openstack.org/keystone/latest/admin/auth-totp.html): the user's
 * passcode against its totp credential, on the fake Keystone's own clock.
 */
function checkTotpUser(world: DemoWorld, totp: unknown): Resolution<DemoUser> {
  const user = isPlainObject(totp) ? totp.user : undefined;
  // Keystone 22's own wording (its TOTPUserInfo names no method here).
  if (!isPlainObject(user)) return fail(400, world, 'Expecting to find user in None.');
  const found = findNamedUser(world, user);
  if (!found.ok) return found;
  const secret = found.value?.totpSecret;
  // Unknown user, no totp credential, no passcode or a wrong one: the same hidden 401.
  if (!found.value || !secret || typeof user.passcode !== 'string') return fail(401, world);
  if (!isTotpPasscodeValid(secret, user.passcode, world.registry.now())) return fail(401, world);
  return { ok: true, value: found.value };
}

/**
 * The application_credential method, by id or by name + its user
 * (https://docs.openstack.org/api-ref/identity/v3/#authenticating-with-an-application-credential).
 * Keystone 22 says 404 for an unknown id or user name; a wrong secret or name is the hidden 401.
 */
function checkApplicationCredential(world: DemoWorld, data: unknown): Resolution<DemoAppCredential> {
  if (!isPlainObject(data)) return fail(400, world, 'Expecting to find application_credential in identity.');
  let credential: DemoAppCredential | undefined;
  if (typeof data.id === 'string') {
    credential = world.applicationCredentials.find((c) => c.id === data.id);
    if (!credential) return fail(404, world, `Could not find Application Credential: ${data.id}.`);
  } else if (typeof data.name === 'string') {
    const user = data.user;
    if (!isPlainObject(user)) return fail(400, world, 'Expecting to find user in application credential.');
    const owner = findNamedUser(world, user);
    if (!owner.ok) return owner;
    if (!owner.value) {
      // By name Keystone says which user it could not find; by id (or in another domain) it hides it.
      return typeof user.id !== 'string' &&
        typeof user.name === 'string' &&
        isPlainObject(user.domain) &&
        isDomainMatch(world, user.domain)
        ? fail(404, world, `Could not find user: ${user.name}.`)
        : fail(401, world);
    }
    const ownerId = owner.value.id;
    credential = world.applicationCredentials.find((c) => c.name === data.name && c.userId === ownerId);
    if (!credential) return fail(401, world);
  } else {
    return fail(400, world, 'Expecting to find name or ID in application credential.');
  }
  if (data.secret !== undefined && typeof data.secret !== 'string') {
    return fail(400, world, 'Expecting to find string in password.');
  }
  if (typeof data.secret !== 'string' || !isSameKeystoneSecret(data.secret, credential.secret))
    return fail(401, world);
  return { ok: true, value: credential };
}

/** Keystone's check of multi_factor_auth_rules: no rules, or one rule whose methods were all done. */
function isMfaSatisfied(user: DemoUser, methodsDone: string[]): boolean {
  if (user.mfaRules.length === 0) return true;
  return user.mfaRules.some((rule) => rule.every((method) => methodsDone.includes(method)));
}

/**
 * Not enough methods for the user's rules: 401 with a new receipt in Openstack-Auth-Receipt and a
 * body of Python json.dumps spacing (keystone/receipt/handlers.py build_receipt, lab). No
 * WWW-Authenticate here: this 401 is an answer to go on with, not a refusal.
 */
function sendAuthReceipt(world: DemoWorld, res: ServerResponse, user: DemoUser, methodsDone: string[]): void {
  const receipt = world.receipts.issue(user.id, methodsDone);
  const { domain } = world.spec;
  const body = {
    receipt: {
      methods: receipt.methods,
      user: { id: user.id, name: user.name, domain: { id: domain.id, name: domain.name } },
      expires_at: formatKeystoneTime(receipt.expiresAtMs),
      issued_at: formatKeystoneTime(receipt.issuedAtMs),
    },
    required_auth_methods: user.mfaRules,
  };
  sendText(res, 401, 'application/json', toPythonJson(body), {
    'Openstack-Auth-Receipt': receipt.id,
    Vary: 'X-Auth-Token',
    'x-openstack-request-id': newRequestId(),
  });
}

function isDomainMatch(world: DemoWorld, domain: Record<string, unknown>): boolean {
  if (typeof domain.id === 'string') return domain.id === world.spec.domain.id;
  if (typeof domain.name === 'string') return domain.name === world.spec.domain.name;
  return false;
}

/**
 * `scope.project` by id, or by name + domain {id|name}. Any extra key, such as VK's `region`
 * (seeds 000/001), is accepted and ignored, as Keystone's schema allows additional properties.
 * Domain, system and trust scopes are 401: the demo users hold no role there. Whether the user has
 * a role on the project is checked later, once the user is known.
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
