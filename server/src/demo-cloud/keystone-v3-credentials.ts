import type { ServerResponse } from 'node:http';
import {
  formatKeystoneTime,
  isPlainObject,
  isSameKeystoneSecret,
  newRequestId,
  sendText,
  toPythonJson,
} from './demo-http.js';
import type { DemoProject } from './demo-profiles.js';
import { findUser, type DemoAppCredential, type DemoUser, type DemoWorld } from './demo-world.js';
import { isTotpPasscodeValid } from './totp-passcodes.js';
import { fail, type Resolution } from './keystone-v3-resolution.js';

// The credential checks of POST /v3/auth/tokens: each method's user, secret or passcode, the
// multi-factor rules with their auth receipts, and the scope asked for.

/** Keystone's `[auth] methods` as the demo has them: the lab's, less what the profile documents not. */
export function offeredMethods(world: DemoWorld): string[] {
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
export function authenticateMethods(
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
export function isMfaSatisfied(user: DemoUser, methodsDone: string[]): boolean {
  if (user.mfaRules.length === 0) return true;
  return user.mfaRules.some((rule) => rule.every((method) => methodsDone.includes(method)));
}

/**
 * Not enough methods for the user's rules: 401 with a new receipt in Openstack-Auth-Receipt and a
 * body of Python json.dumps spacing (keystone/receipt/handlers.py build_receipt, lab). No
 * WWW-Authenticate here: this 401 is an answer to go on with, not a refusal.
 */
export function sendAuthReceipt(
  world: DemoWorld,
  res: ServerResponse,
  user: DemoUser,
  methodsDone: string[],
): void {
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
export function resolveScope(world: DemoWorld, scope: unknown): Resolution<DemoProject | null> {
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
