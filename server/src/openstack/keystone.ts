import { z } from 'zod';
import type { Catalog } from '../contract/catalog.js';
import type { IdentityApiVersion } from '../contract/common.js';
import type { ProjectRef, RoleRef, UserRef } from '../contract/session.js';
import {
  ForbiddenError,
  InvalidCredentialsError,
  InvalidInputError,
  MfaRequiredError,
  TokenExpiredError,
  UpstreamError,
} from '../platform/errors.js';
import { normalizeV2Catalog, normalizeV3Catalog, v2CatalogSchema, v3CatalogSchema } from './catalog.js';
import { openstackFetch, parseUpstream, upstreamMessage, type UpstreamResponse } from './openstack-fetch.js';

/**
 * Keystone, v3 and the legacy v2.0. No Express in here: callers get our own types back.
 * v3 API reference: https://docs.openstack.org/api-ref/identity/v3/
 * v2.0 (as NHN Cloud documents it): POST /v2.0/tokens with passwordCredentials.
 */

export interface IdentityEndpoint {
  /** The auth URL without its version segment and trailing slash, e.g. http://h:5000 or https://h/identity. */
  rootUrl: string;
  version: IdentityApiVersion;
}

export interface CallOptions {
  timeoutMs: number;
}

export type DomainSelector = { id: string } | { name: string };
export type UserSelector = { id: string } | { name: string; domain: DomainSelector };
export type ProjectScope = { id: string } | { name: string; domain: DomainSelector };

/** Keystone's `application_credential` in the token body of a token issued for one. */
export interface TokenApplicationCredential {
  id: string;
  name: string | null;
  /** Restricted (the default) means no identity management: no new application credentials or trusts. */
  restricted?: boolean;
}

export interface IssuedToken {
  token: string;
  /** Keystone's own clock; see token-lifetime.ts for re-anchoring to ours. */
  issuedAt: Date;
  expiresAt: Date;
  user: UserRef;
  project: ProjectRef | null;
  roles: RoleRef[];
  methods: string[];
  auditIds: string[];
  /** Null when the token body carries no catalog (VK Cloud's does not); then ask GET /v3/auth/catalog. */
  catalog: Catalog | null;
  /** Set when the token was issued for an application credential. */
  applicationCredential: TokenApplicationCredential | null;
}

/**
 * Auth URLs come in many forms (`http://h:5000`, `.../v3`, `.../v3/`, `.../v2.0`, `:35357/v3`,
 * `https://h/identity/v3`). The version segment, when present, decides the API version unless
 * clouds.yaml says otherwise with identity_api_version.
 */
export function resolveIdentityEndpoint(
  authUrl: string,
  declared?: IdentityApiVersion | null,
): IdentityEndpoint {
  const trimmed = authUrl.trim().replace(/\/+$/, '');
  const match = /^(.*?)\/(v3|v2\.0)$/.exec(trimmed);
  const fromUrl: IdentityApiVersion | null = match ? (match[2] === 'v3' ? '3' : '2.0') : null;
  return { rootUrl: match ? match[1]! : trimmed, version: declared ?? fromUrl ?? '3' };
}

// ---------------------------------------------------------------------------------------------
// Keystone's time stamps: "2026-11-23T02:12:42.000000Z" in v3; v2.0's issued_at has no zone
// ("2026-11-23T01:12:42.000000") and is UTC. Microseconds are cut to what Date understands.
export function parseKeystoneTime(value: string): Date {
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const normalized = value.replace(/(\.\d{3})\d+/, '$1') + (hasZone ? '' : 'Z');
  const date = new Date(normalized);
  if (Number.isNaN(date.getTime()))
    throw new UpstreamError(`Keystone sent a time stamp that is not a date: ${value.slice(0, 40)}`);
  return date;
}

const domainSchema = z.object({ id: z.string().nullish(), name: z.string().nullish() }).nullish();

const v3TokenBodySchema = z.object({
  token: z.object({
    methods: z.array(z.string()).default([]),
    user: z.object({ id: z.string(), name: z.string(), domain: domainSchema }),
    audit_ids: z.array(z.string()).default([]),
    expires_at: z.string(),
    issued_at: z.string(),
    project: z.object({ id: z.string(), name: z.string(), domain: domainSchema }).nullish(),
    roles: z.array(z.object({ id: z.string().nullish(), name: z.string() })).nullish(),
    catalog: v3CatalogSchema.nullish(),
    application_credential: z
      .object({ id: z.string(), name: z.string().nullish(), restricted: z.boolean().nullish() })
      .nullish(),
  }),
});

function toDomainRef(domain: z.infer<typeof domainSchema>) {
  return domain ? { id: domain.id ?? null, name: domain.name ?? null } : null;
}

function readV3Token(response: UpstreamResponse): IssuedToken {
  const token = response.headers.get('x-subject-token');
  if (!token) throw new UpstreamError('Keystone issued a token without the X-Subject-Token header.');
  const body = parseUpstream(v3TokenBodySchema, response.body, 'Keystone', 'the token').token;
  return {
    token,
    issuedAt: parseKeystoneTime(body.issued_at),
    expiresAt: parseKeystoneTime(body.expires_at),
    user: { id: body.user.id, name: body.user.name, domain: toDomainRef(body.user.domain) },
    project: body.project
      ? { id: body.project.id, name: body.project.name, domain: toDomainRef(body.project.domain) }
      : null,
    roles: (body.roles ?? []).map((role) => ({ id: role.id ?? null, name: role.name })),
    methods: body.methods,
    auditIds: body.audit_ids,
    catalog: body.catalog ? normalizeV3Catalog(body.catalog) : null,
    applicationCredential: body.application_credential
      ? {
          id: body.application_credential.id,
          name: body.application_credential.name ?? null,
          ...(typeof body.application_credential.restricted === 'boolean'
            ? { restricted: body.application_credential.restricted }
            : {}),
        }
      : null,
  };
}

function toScopeBody(scope: ProjectScope | null) {
  if (!scope) return undefined;
  return { project: 'id' in scope ? { id: scope.id } : { name: scope.name, domain: scope.domain } };
}

/** Maps the 4xx Keystone gives to a token request (401 is the same for every credential mistake). */
function failTokenRequest(response: UpstreamResponse, version: IdentityApiVersion, rootUrl: string): never {
  const detail = upstreamMessage(response.body);
  switch (response.status) {
    case 401:
      throw new InvalidCredentialsError();
    case 400:
      throw new InvalidInputError(`Keystone rejected the request${detail ? `: ${detail}` : '.'}`);
    case 403:
      throw new ForbiddenError(detail ?? 'Keystone forbids this request.');
    case 404:
      throw new UpstreamError(
        `Keystone at ${rootUrl} has no v${version} token API (HTTP 404). Check auth_url and identity_api_version.`,
      );
    default:
      throw new UpstreamError(`Keystone answered the token request with HTTP ${response.status}.`);
  }
}

/**
 * What proves the user to Keystone v3: one or more auth methods in one request
 * (https://docs.openstack.org/api-ref/identity/v3/#password-authentication-with-unscoped-authorization,
 * https://docs.openstack.org/api-ref/identity/v3/#authenticating-with-an-application-credential).
 * `receipt` continues a multi-factor sign-in: the methods of the earlier step count as done
 * (https://docs.openstack.org/keystone/latest/user/multi-factor-authentication.html).
 */
export interface V3Credentials {
  password?: { user: UserSelector; password: string };
  totp?: { user: UserSelector; passcode: string };
  applicationCredential?:
    { id: string; secret: string } | { name: string; user: UserSelector; secret: string };
  receipt?: string;
}

/** Keystone's answer to a step that is not enough on its own: 401 + Openstack-Auth-Receipt. */
export interface AuthReceipt {
  /** The Openstack-Auth-Receipt header: a secret, kept sealed server-side like a token. */
  receipt: string;
  userId: string;
  /** The methods the receipt vouches for (e.g. ["password"]). */
  methods: string[];
  /** Each inner list is one rule that would be enough (e.g. [["password", "totp"]]). */
  requiredMethods: string[][];
  issuedAt: Date;
  expiresAt: Date;
}

/** Keystone wants more methods than were sent: carries the receipt to continue with. */
export class AuthReceiptRequiredError extends MfaRequiredError {
  constructor(readonly receipt: AuthReceipt) {
    super();
  }
}

/** The receipt sent with a step expired or is unknown to Keystone: the sign-in starts over. */
export class AuthReceiptRejectedError extends InvalidCredentialsError {
  constructor() {
    super('The sign-in with a second factor expired. Start over with your password.');
  }
}

const receiptBodySchema = z.object({
  receipt: z.object({
    methods: z.array(z.string()).default([]),
    user: z.object({ id: z.string() }),
    expires_at: z.string(),
    issued_at: z.string(),
  }),
  required_auth_methods: z.array(z.array(z.string())).default([]),
});

function toIdentityBody(credentials: V3Credentials) {
  const methods: string[] = [];
  const identity: Record<string, unknown> = { methods };
  if (credentials.password) {
    methods.push('password');
    identity.password = { user: { ...credentials.password.user, password: credentials.password.password } };
  }
  if (credentials.totp) {
    methods.push('totp');
    identity.totp = { user: { ...credentials.totp.user, passcode: credentials.totp.passcode } };
  }
  if (credentials.applicationCredential) {
    methods.push('application_credential');
    identity.application_credential = credentials.applicationCredential;
  }
  return identity;
}

/** One 401 message per kind of credential: Keystone's own says nothing useful ("requires authentication"). */
function refusalMessage(credentials: V3Credentials): string | undefined {
  if (credentials.applicationCredential)
    return 'Keystone refused the application credential (wrong id, name, user or secret, or it expired or was deleted).';
  if (credentials.totp && !credentials.password)
    return 'The passcode is wrong or has expired (they change every 30 seconds). Try the current one.';
  if (credentials.totp)
    return 'Keystone refused these credentials: the password or the passcode is wrong (passcodes change every 30 seconds).';
  return undefined;
}

/**
 * POST /v3/auth/tokens with the password method (plus totp for a second factor), or the
 * application_credential method: the only ways to a token with a fresh lifetime. An application
 * credential is bound to its project and Keystone refuses a scope with it.
 */
export async function issueTokenV3(
  endpoint: IdentityEndpoint,
  request: { credentials: V3Credentials; scope: ProjectScope | null },
  options: CallOptions,
): Promise<IssuedToken> {
  const { credentials } = request;
  const scope = credentials.applicationCredential ? null : request.scope;
  const response = await openstackFetch(`${endpoint.rootUrl}/v3/auth/tokens`, {
    service: 'Keystone',
    method: 'POST',
    timeoutMs: options.timeoutMs,
    ...(credentials.receipt ? { headers: { 'Openstack-Auth-Receipt': credentials.receipt } } : {}),
    json: { auth: { identity: toIdentityBody(credentials), scope: toScopeBody(scope) } },
  });
  if (response.status !== 201 && response.status !== 200) {
    if (response.status === 401) failUnauthorizedTokenRequest(response, credentials);
    if (response.status === 404 && isMissingEntity(response)) {
      throw new InvalidCredentialsError(refusalMessage(credentials));
    }
    failTokenRequest(response, '3', endpoint.rootUrl);
  }
  return completeMinimalToken(endpoint, readV3Token(response), scope, options);
}

/**
 * Keystone answers 404 "Could not find Application Credential: <id>." (or "Could not find user:
 * <name>." for a credential named by name) instead of 401 when the application credential it is
 * asked for does not exist: the credentials are wrong, the token API is there. A token API that
 * is not there answers "The resource could not be found." (or no Keystone body at all).
 */
function isMissingEntity(response: UpstreamResponse): boolean {
  return /^could not find /i.test(upstreamMessage(response.body) ?? '');
}

/**
 * A 401 to POST /v3/auth/tokens. With an Openstack-Auth-Receipt header the methods sent were right
 * but not enough for the user's multi_factor_auth_rules; "Could not find auth receipt" (the one 401
 * message Keystone does not hide) means the receipt sent expired or is not Keystone's.
 */
function failUnauthorizedTokenRequest(response: UpstreamResponse, credentials: V3Credentials): never {
  const receipt = response.headers.get('openstack-auth-receipt');
  if (receipt) {
    const body = parseUpstream(receiptBodySchema, response.body, 'Keystone', 'the auth receipt');
    throw new AuthReceiptRequiredError({
      receipt,
      userId: body.receipt.user.id,
      methods: body.receipt.methods,
      requiredMethods: body.required_auth_methods,
      issuedAt: parseKeystoneTime(body.receipt.issued_at),
      expiresAt: parseKeystoneTime(body.receipt.expires_at),
    });
  }
  if (credentials.receipt && /could not find auth receipt/i.test(upstreamMessage(response.body) ?? ''))
    throw new AuthReceiptRejectedError();
  throw new InvalidCredentialsError(refusalMessage(credentials));
}

/**
 * VK Cloud answers POST /v3/auth/tokens with a minimal body (issued_at, audit_ids, methods,
 * expires_at, user) even for a project-scoped token: no project, no roles (seed 001). Validating the
 * token (GET /v3/auth/tokens, a token may validate itself) gives them, so a renewal keeps the
 * project scope. https://docs.openstack.org/api-ref/identity/v3/#validate-and-show-information-for-token
 * Best effort: a cloud that refuses the validation keeps the token as issued.
 */
async function completeMinimalToken(
  endpoint: IdentityEndpoint,
  issued: IssuedToken,
  scope: ProjectScope | null,
  options: CallOptions,
): Promise<IssuedToken> {
  if (!scope || issued.project) return issued;
  const response = await openstackFetch(`${endpoint.rootUrl}/v3/auth/tokens?nocatalog`, {
    service: 'Keystone',
    headers: { 'X-Auth-Token': issued.token, 'X-Subject-Token': issued.token },
    timeoutMs: options.timeoutMs,
  });
  if (response.status !== 200) return issued;
  const body = parseUpstream(v3TokenBodySchema, response.body, 'Keystone', 'the token validation').token;
  if (!body.project) return issued;
  return {
    ...issued,
    project: { id: body.project.id, name: body.project.name, domain: toDomainRef(body.project.domain) },
    roles: (body.roles ?? []).map((role) => ({ id: role.id ?? null, name: role.name })),
  };
}

/**
 * Re-scope with the token method. Keystone keeps the parent's expires_at (no extension), so
 * this is for switching project, never for renewal.
 */
export async function rescopeTokenV3(
  endpoint: IdentityEndpoint,
  token: string,
  scope: ProjectScope,
  options: CallOptions,
): Promise<IssuedToken> {
  const response = await openstackFetch(`${endpoint.rootUrl}/v3/auth/tokens`, {
    service: 'Keystone',
    method: 'POST',
    timeoutMs: options.timeoutMs,
    json: { auth: { identity: { methods: ['token'], token: { id: token } }, scope: toScopeBody(scope) } },
  });
  // An expired parent token gives 404 here, not 401 (observed on Keystone 22).
  if (response.status === 404) throw new TokenExpiredError();
  if (response.status !== 201 && response.status !== 200) failTokenRequest(response, '3', endpoint.rootUrl);
  return completeMinimalToken(endpoint, readV3Token(response), scope, options);
}

const v2AccessSchema = z.object({
  access: z.object({
    token: z.object({
      id: z.string(),
      expires: z.string(),
      issued_at: z.string().nullish(),
      audit_ids: z.array(z.string()).nullish(),
      tenant: z.object({ id: z.string(), name: z.string() }).nullish(),
    }),
    serviceCatalog: v2CatalogSchema.nullish(),
    user: z.object({
      id: z.string(),
      name: z.string().nullish(),
      username: z.string().nullish(),
      roles: z.array(z.object({ id: z.string().nullish(), name: z.string() })).nullish(),
    }),
  }),
});

/** POST /v2.0/tokens with passwordCredentials and tenantId or tenantName (NHN Cloud). */
export async function issueTokenV2(
  endpoint: IdentityEndpoint,
  request: { username: string; password: string; tenant: { id: string } | { name: string } | null },
  options: CallOptions,
  receivedAt = new Date(),
): Promise<IssuedToken> {
  const tenant = request.tenant
    ? 'id' in request.tenant
      ? { tenantId: request.tenant.id }
      : { tenantName: request.tenant.name }
    : {};
  const response = await openstackFetch(`${endpoint.rootUrl}/v2.0/tokens`, {
    service: 'Keystone',
    method: 'POST',
    timeoutMs: options.timeoutMs,
    json: {
      auth: { ...tenant, passwordCredentials: { username: request.username, password: request.password } },
    },
  });
  if (response.status !== 200 && response.status !== 201) failTokenRequest(response, '2.0', endpoint.rootUrl);
  const access = parseUpstream(v2AccessSchema, response.body, 'Keystone', 'the v2.0 token').access;
  const expiresAt = parseKeystoneTime(access.token.expires);
  return {
    token: access.token.id,
    // A v2.0 body without issued_at: assume it was issued now (lifetime measured from receipt).
    issuedAt: access.token.issued_at ? parseKeystoneTime(access.token.issued_at) : receivedAt,
    expiresAt,
    user: {
      id: access.user.id,
      name: access.user.name ?? access.user.username ?? access.user.id,
      domain: null,
    },
    project: access.token.tenant
      ? { id: access.token.tenant.id, name: access.token.tenant.name, domain: null }
      : null,
    roles: (access.user.roles ?? []).map((role) => ({ id: role.id ?? null, name: role.name })),
    methods: ['password'],
    auditIds: access.token.audit_ids ?? [],
    catalog: normalizeV2Catalog(access.serviceCatalog ?? []),
    applicationCredential: null,
  };
}

/**
 * Revokes a token. v3: DELETE /v3/auth/tokens, the token authorizing its own revocation (204).
 * v2.0 has no revocation a user may call on every cloud (DELETE /v2.0/tokens/{id} was an admin
 * API): best effort, the result says whether Keystone confirmed it.
 */
export async function revokeToken(
  endpoint: IdentityEndpoint,
  token: string,
  options: CallOptions,
): Promise<boolean> {
  if (endpoint.version === '2.0') {
    const response = await openstackFetch(`${endpoint.rootUrl}/v2.0/tokens/${encodeURIComponent(token)}`, {
      service: 'Keystone',
      method: 'DELETE',
      headers: { 'X-Auth-Token': token },
      timeoutMs: options.timeoutMs,
    });
    return response.status === 204 || response.status === 200;
  }
  const response = await openstackFetch(`${endpoint.rootUrl}/v3/auth/tokens`, {
    service: 'Keystone',
    method: 'DELETE',
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
    timeoutMs: options.timeoutMs,
  });
  if (response.status === 204) return true;
  // 404 "Failed to validate token" / 401: already revoked or expired, which is what we wanted.
  if (response.status === 404 || response.status === 401) return true;
  return false;
}

function failTokenAuthenticatedCall(response: UpstreamResponse, what: string): never {
  if (response.status === 401 || response.status === 404) throw new TokenExpiredError();
  if (response.status === 403)
    throw new ForbiddenError(upstreamMessage(response.body) ?? `Keystone forbids ${what}.`);
  throw new UpstreamError(`Keystone answered ${what} with HTTP ${response.status}.`);
}

/** GET /v3/auth/catalog: for clouds whose token body has no catalog (VK Cloud). */
export async function fetchAuthCatalog(
  endpoint: IdentityEndpoint,
  token: string,
  options: CallOptions,
): Promise<Catalog> {
  const response = await openstackFetch(`${endpoint.rootUrl}/v3/auth/catalog`, {
    service: 'Keystone',
    headers: { 'X-Auth-Token': token },
    timeoutMs: options.timeoutMs,
  });
  if (response.status !== 200) failTokenAuthenticatedCall(response, 'the catalog request');
  const body = parseUpstream(
    z.object({ catalog: v3CatalogSchema }),
    response.body,
    'Keystone',
    'the catalog',
  );
  return normalizeV3Catalog(body.catalog);
}

export interface AuthProject {
  id: string;
  name: string;
  domainId: string | null;
  enabled: boolean;
}

/** GET /v3/auth/projects: the projects the token's user may scope to. */
export async function listAuthProjects(
  endpoint: IdentityEndpoint,
  token: string,
  options: CallOptions,
): Promise<AuthProject[]> {
  const response = await openstackFetch(`${endpoint.rootUrl}/v3/auth/projects`, {
    service: 'Keystone',
    headers: { 'X-Auth-Token': token },
    timeoutMs: options.timeoutMs,
  });
  if (response.status !== 200) failTokenAuthenticatedCall(response, 'the project list request');
  const body = parseUpstream(
    z.object({
      projects: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          domain_id: z.string().nullish(),
          enabled: z.boolean().nullish(),
        }),
      ),
    }),
    response.body,
    'Keystone',
    'the project list',
  );
  return body.projects
    .map((project) => ({
      id: project.id,
      name: project.name,
      domainId: project.domain_id ?? null,
      enabled: project.enabled ?? true,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
