import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  badRequestMessage,
  sendAuthPluginError,
  sendKeystoneError,
  sendReceiptNotFound,
  sendTooManyTokenCreations,
} from './keystone-errors.js';
import { headerValue, isPlainObject, readBodyText, sendKeystoneJson } from './demo-http.js';
import {
  findProject,
  findUser,
  type DemoAppCredential,
  type DemoUser,
  type DemoWorld,
} from './demo-world.js';
import type { DemoToken } from './token-registry.js';
import { authUri, fail } from './keystone-v3-resolution.js';
import { tokenBody, minimalTokenBody } from './keystone-v3-token-routes.js';
import {
  authenticateMethods,
  isMfaSatisfied,
  offeredMethods,
  resolveScope,
  sendAuthReceipt,
} from './keystone-v3-credentials.js';

/**
 * POST /v3/auth/tokens: the password, totp and application_credential methods, auth receipts for
 * multi-factor rules, and the scope, as Keystone 22 answers them.
 */
export async function issueToken(world: DemoWorld, req: IncomingMessage, res: ServerResponse): Promise<void> {
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
