import { z } from 'zod';
import { InvalidCredentialsError, InvalidInputError, UpstreamError } from '../../platform/errors.js';
import { normalizeV3Catalog, v3CatalogSchema } from '../catalog.js';
import { parseUpstream, upstreamMessage, type UpstreamResponse } from '../openstack-fetch.js';
import {
  AuthReceiptRejectedError,
  AuthReceiptRequiredError,
  type Credentials,
  type DomainSelector,
  type IssuedToken,
  type TokenScope,
  type UserIdentity,
  isDomainScope,
  isSystemScope,
} from './identity-client.js';
import { parseKeystoneTime } from './keystone-time.js';

/**
 * The JSON of Keystone v3's token API, both ways: request bodies built from our types, answers
 * parsed with zod into them. https://docs.openstack.org/api-ref/identity/v3/#authentication-and-token-management
 */

const domainSchema = z.object({ id: z.string().nullish(), name: z.string().nullish() }).nullish();

export const v3TokenBodySchema = z.object({
  token: z.object({
    methods: z.array(z.string()).default([]),
    user: z.object({
      id: z.string(),
      name: z.string(),
      domain: domainSchema,
      // A federated user: https://docs.openstack.org/api-ref/identity/v3-ext/#os-federation-api
      'OS-FEDERATION': z
        .object({
          identity_provider: z.object({ id: z.string() }),
          protocol: z.object({ id: z.string() }),
        })
        .nullish(),
    }),
    audit_ids: z.array(z.string()).default([]),
    expires_at: z.string(),
    issued_at: z.string(),
    project: z.object({ id: z.string(), name: z.string(), domain: domainSchema }).nullish(),
    domain: z.object({ id: z.string(), name: z.string().nullish() }).nullish(),
    system: z.object({ all: z.boolean().nullish() }).nullish(),
    roles: z.array(z.object({ id: z.string().nullish(), name: z.string() })).nullish(),
    catalog: v3CatalogSchema.nullish(),
    application_credential: z
      .object({ id: z.string(), name: z.string().nullish(), restricted: z.boolean().nullish() })
      .nullish(),
  }),
});

type V3TokenBody = z.infer<typeof v3TokenBodySchema>['token'];

const receiptBodySchema = z.object({
  receipt: z.object({
    methods: z.array(z.string()).default([]),
    user: z.object({ id: z.string() }),
    expires_at: z.string(),
    issued_at: z.string(),
  }),
  required_auth_methods: z.array(z.array(z.string())).default([]),
});

function toDomainRef(domain: z.infer<typeof domainSchema>) {
  return domain ? { id: domain.id ?? null, name: domain.name ?? null } : null;
}

export function toProjectRef(project: V3TokenBody['project']) {
  return project ? { id: project.id, name: project.name, domain: toDomainRef(project.domain) } : null;
}

export function toRoleRefs(roles: V3TokenBody['roles']) {
  return (roles ?? []).map((role) => ({ id: role.id ?? null, name: role.name }));
}

export function readV3Token(response: UpstreamResponse): IssuedToken {
  const token = response.headers.get('x-subject-token');
  if (!token) throw new UpstreamError('Keystone issued a token without the X-Subject-Token header.');
  const body = parseUpstream(v3TokenBodySchema, response.body, 'Keystone', 'the token').token;
  return { token, ...toIssuedToken(body) };
}

/** A token body as our type (a validation answers the same body as an issue). */
export function toIssuedToken(body: V3TokenBody): Omit<IssuedToken, 'token'> {
  const appCredential = body.application_credential;
  const federation = body.user['OS-FEDERATION'];
  return {
    issuedAt: parseKeystoneTime(body.issued_at),
    expiresAt: parseKeystoneTime(body.expires_at),
    user: { id: body.user.id, name: body.user.name, domain: toDomainRef(body.user.domain) },
    project: toProjectRef(body.project),
    domain: body.domain ? { id: body.domain.id, name: body.domain.name ?? null } : null,
    system: body.system?.all === true,
    roles: toRoleRefs(body.roles),
    methods: body.methods,
    auditIds: body.audit_ids,
    catalog: body.catalog ? normalizeV3Catalog(body.catalog) : null,
    applicationCredential: appCredential
      ? {
          id: appCredential.id,
          name: appCredential.name ?? null,
          ...(typeof appCredential.restricted === 'boolean' ? { restricted: appCredential.restricted } : {}),
        }
      : null,
    federation: federation
      ? { identityProviderId: federation.identity_provider.id, protocolId: federation.protocol.id }
      : null,
  };
}

/** v3 names a user by id, or by name within a domain. */
function toUserSelector(user: UserIdentity): { id: string } | { name: string; domain: DomainSelector } {
  if (user.id) return { id: user.id };
  if (!user.name)
    throw new InvalidInputError('A username or user id is required.', { username: 'is required' });
  if (!user.domain) {
    throw new InvalidInputError('A user domain is required with a username.', {
      userDomainName: 'is required with a username',
    });
  }
  return { name: user.name, domain: user.domain };
}

/**
 * A project by name needs its domain: the one given, else the user's (as keystoneauth does). A
 * domain or the system: https://docs.openstack.org/api-ref/identity/v3/#password-authentication-with-scoped-authorization
 */
export function toScopeBody(scope: TokenScope | null, user?: UserIdentity) {
  if (!scope) return undefined;
  if (isSystemScope(scope)) return { system: { all: true } };
  if (isDomainScope(scope)) return { domain: scope.domain };
  if ('id' in scope) return { project: { id: scope.id } };
  const domain = scope.domain ?? user?.domain;
  if (!domain) {
    throw new InvalidInputError('A project domain is required with a project name.', {
      projectDomainName: 'is required with a project name',
    });
  }
  return { project: { name: scope.name, domain } };
}

/**
 * The identity part of POST /v3/auth/tokens: one or more methods in one request
 * (https://docs.openstack.org/api-ref/identity/v3/#password-authentication-with-unscoped-authorization,
 * https://docs.openstack.org/api-ref/identity/v3/#authenticating-with-an-application-credential).
 */
export function toIdentityBody(credentials: Credentials) {
  switch (credentials.method) {
    case 'password': {
      const user = toUserSelector(credentials.user);
      const identity: Record<string, unknown> = {
        methods: credentials.passcode !== undefined ? ['password', 'totp'] : ['password'],
        password: { user: { ...user, password: credentials.password } },
      };
      if (credentials.passcode !== undefined)
        identity.totp = { user: { ...user, passcode: credentials.passcode } };
      return identity;
    }
    case 'application_credential': {
      const { id, name, user, secret } = credentials;
      let credential: Record<string, unknown>;
      if (id) credential = { id, secret };
      else if (name) credential = { name, user: toUserSelector(user ?? {}), secret };
      else
        throw new InvalidInputError('An application credential id (or its name and user) is required.', {
          applicationCredentialId: 'is required',
        });
      return { methods: ['application_credential'], application_credential: credential };
    }
    case 'receipt':
      return {
        methods: ['totp'],
        totp: { user: { id: credentials.userId, passcode: credentials.passcode } },
      };
  }
}

/** One 401 message per kind of credential: Keystone's own says nothing useful ("requires authentication"). */
function refusalMessage(credentials: Credentials): string | undefined {
  if (credentials.method === 'application_credential')
    return 'Keystone refused the application credential (wrong id, name, user or secret, or it expired or was deleted).';
  if (credentials.method === 'receipt')
    return 'The passcode is wrong or has expired (they change every 30 seconds). Try the current one.';
  if (credentials.passcode !== undefined)
    return 'Keystone refused these credentials: the password or the passcode is wrong (passcodes change every 30 seconds).';
  return undefined;
}

/**
 * Keystone answers 404 "Could not find Application Credential: <id>." (or "Could not find user:
 * <name>." for a credential named by name) instead of 401 when the application credential it is
 * asked for does not exist: the credentials are wrong, the token API is there. A token API that
 * is not there answers "The resource could not be found." (or no Keystone body at all).
 */
export function failMissingEntity(response: UpstreamResponse, credentials: Credentials): void {
  if (response.status === 404 && /^could not find /i.test(upstreamMessage(response.body) ?? ''))
    throw new InvalidCredentialsError(refusalMessage(credentials));
}

/**
 * A 401 to POST /v3/auth/tokens. With an Openstack-Auth-Receipt header the methods sent were right
 * but not enough for the user's multi_factor_auth_rules; "Could not find auth receipt" (the one 401
 * message Keystone does not hide) means the receipt sent expired or is not Keystone's.
 */
export function failUnauthorizedTokenRequest(response: UpstreamResponse, credentials: Credentials): never {
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
  if (
    credentials.method === 'receipt' &&
    /could not find auth receipt/i.test(upstreamMessage(response.body) ?? '')
  )
    throw new AuthReceiptRejectedError();
  throw new InvalidCredentialsError(refusalMessage(credentials));
}
