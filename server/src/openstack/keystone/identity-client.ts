import type { Catalog } from '../../contract/catalog.js';
import type {
  AccessRule,
  ApplicationCredential,
  CreatedApplicationCredential,
  CreatedEc2Credential,
  Ec2Credential,
} from '../../contract/credentials.js';
import type { IdentityApiVersion } from '../../contract/common.js';
import type { DomainRef, ProjectRef, RoleRef, UserRef } from '../../contract/session.js';
import { InvalidCredentialsError, MfaRequiredError } from '../../platform/errors.js';

/**
 * What the BFF asks of a cloud's Keystone, whatever its API version. Each cloud gets one client
 * (keystone-v3.ts or keystone-v2.ts, chosen by createIdentityClient from clouds.yaml), so nothing
 * outside this folder branches on the identity version. A version that cannot do a thing says so
 * with an InvalidInputError naming the field, before anything is sent.
 */
export interface IdentityClient {
  readonly version: IdentityApiVersion;
  /** Whether Keystone must confirm a revocation (v3), or revocation is best effort (v2.0). */
  readonly confirmsRevocation: boolean;
  /** Whether a user can list the projects they may scope to (v3) or not (v2.0). */
  readonly listsProjects: boolean;
  /** A token with a fresh lifetime. `beforeSend` runs once the request is valid (the token budget). */
  issueToken(request: TokenRequest): Promise<IssuedToken>;
  /** The same user in another scope with the token method: Keystone keeps the parent's expiry. */
  rescopeToken(token: string, scope: TokenScope, beforeSend?: () => Promise<void>): Promise<IssuedToken>;
  /** The projects the token's user may scope to, or null where the API has no such list (v2.0). */
  listProjects(token: string): Promise<AuthProject[] | null>;
  /** The domains the token's user may scope to (GET /v3/auth/domains); [] where there are none (v2.0). */
  listDomains(token: string): Promise<AuthDomain[]>;
  /** Whether the token's user may scope to the whole system (GET /v3/auth/system); false on v2.0. */
  canScopeToSystem(token: string): Promise<boolean>;
  /**
   * Keystone's word on any token (GET /v3/auth/tokens with X-Subject-Token), asked with the
   * session's own token; `allowExpired` adds allow_expired=1. v2.0 has no such call for users.
   */
  inspectToken(authToken: string, subjectToken: string, allowExpired: boolean): Promise<TokenInspection>;
  /**
   * The body of a token that validates itself (GET /v3/auth/tokens, X-Auth-Token = X-Subject-Token):
   * how the WebSSO callback checks a token it was posted before trusting anything in it. Throws
   * TokenExpiredError when Keystone does not accept the token (expired, revoked, not its own).
   */
  validateOwnToken(token: string): Promise<IssuedToken>;
  /** The catalog for a token: the one its body carried, else asked of Keystone (VK Cloud). */
  completeCatalog(issued: IssuedToken): Promise<Catalog | null>;
  /** The catalog of a token whose body had none. */
  fetchCatalog(token: string): Promise<Catalog>;
  /** True when Keystone confirmed it, or the token was already revoked or expired. */
  revokeToken(token: string): Promise<boolean>;
  /**
   * The user's application credentials (v3; v2.0 throws CredentialsNotInVersionError). Refusals
   * by the cloud (403, 404, 501) are CredentialsApiRefusedError (credential-errors.ts).
   */
  listApplicationCredentials(token: string, userId: string): Promise<ApplicationCredential[]>;
  /** The answer carries the secret, once. `beforeSend` runs once the request is valid (the budget). */
  createApplicationCredential(
    token: string,
    userId: string,
    request: NewApplicationCredential,
    beforeSend?: () => Promise<void>,
  ): Promise<CreatedApplicationCredential>;
  deleteApplicationCredential(token: string, userId: string, id: string): Promise<void>;
  /** The user's EC2 credentials for one project (null: every project), without their secrets. */
  listEc2Credentials(token: string, userId: string, projectId: string | null): Promise<Ec2Credential[]>;
  createEc2Credential(
    token: string,
    userId: string,
    projectId: string,
    beforeSend?: () => Promise<void>,
  ): Promise<CreatedEc2Credential>;
  deleteEc2Credential(token: string, userId: string, access: string): Promise<void>;
}

/** What the operator asked for; `expiresAt` already an instant, `roles` by name. */
export interface NewApplicationCredential {
  name: string;
  description?: string | undefined;
  secret?: string | undefined;
  expiresAt?: Date | undefined;
  roles?: string[] | undefined;
  unrestricted?: boolean | undefined;
  accessRules?: AccessRule[] | undefined;
}

export interface TokenRequest {
  credentials: Credentials;
  scope: TokenScope | null;
  beforeSend?: () => Promise<void>;
}

export type DomainSelector = { id: string } | { name: string };

/** Who signs in, as the operator gave it; each API version builds its own user selector from it. */
export interface UserIdentity {
  id?: string | undefined;
  name?: string | undefined;
  domain?: DomainSelector | null | undefined;
}

/** By id, or by name within a domain (v3 falls back to the user's domain; v2.0 has none). */
export type ProjectScope = { id: string } | { name: string; domain?: DomainSelector | null | undefined };

/** A domain as a scope (https://docs.openstack.org/api-ref/identity/v3/#domain-scoped-example). */
export interface DomainScope {
  kind: 'domain';
  domain: DomainSelector;
}

/** The whole deployment (`"system": {"all": true}`), for system-wide administration. */
export interface SystemScope {
  kind: 'system';
}

/** What a token can be scoped to: a project (the plain ProjectScope), a domain or the system. */
export type TokenScope = ProjectScope | DomainScope | SystemScope;

export function isDomainScope(scope: TokenScope): scope is DomainScope {
  return 'kind' in scope && scope.kind === 'domain';
}

export function isSystemScope(scope: TokenScope): scope is SystemScope {
  return 'kind' in scope && scope.kind === 'system';
}

export function isProjectScope(scope: TokenScope): scope is ProjectScope {
  return !('kind' in scope);
}

/**
 * What proves the user: a password (with a passcode for a second factor, in one request), an
 * application credential, or the passcode step of a multi-factor sign-in with its auth receipt
 * (https://docs.openstack.org/keystone/latest/user/multi-factor-authentication.html).
 */
export type Credentials =
  | { method: 'password'; user: UserIdentity; password: string; passcode?: string | undefined }
  | {
      method: 'application_credential';
      id?: string | undefined;
      name?: string | undefined;
      user?: UserIdentity | undefined;
      secret: string;
    }
  | { method: 'receipt'; userId: string; passcode: string; receipt: string };

/** Keystone's `application_credential` in the token body of a token issued for one. */
export interface TokenApplicationCredential {
  id: string;
  name: string | null;
  /** Restricted (the default) means no identity management: no new application credentials or trusts. */
  restricted?: boolean;
}

export interface IssuedToken {
  token: string;
  /** Keystone's own clock: the auth layer re-anchors the lifetime to the BFF's. */
  issuedAt: Date;
  expiresAt: Date;
  user: UserRef;
  project: ProjectRef | null;
  /** Set for a domain-scoped token. */
  domain?: DomainRef | null;
  /** True for a system-scoped token (`"system": {"all": true}`). */
  system?: boolean;
  roles: RoleRef[];
  methods: string[];
  auditIds: string[];
  /** Null when the token body carries no catalog (VK Cloud's does not): see completeCatalog. */
  catalog: Catalog | null;
  /** Set when the token was issued for an application credential. */
  applicationCredential: TokenApplicationCredential | null;
  /**
   * Set for a federated user (Keystone's `user.OS-FEDERATION`): the identity provider and protocol
   * the token came through. https://docs.openstack.org/api-ref/identity/v3-ext/#os-federation-api
   */
  federation?: TokenFederation | null;
}

export interface TokenFederation {
  identityProviderId: string;
  protocolId: string;
}

export interface AuthDomain {
  id: string;
  name: string;
  enabled: boolean;
}

/** Keystone's answer about a token: what it knows of it, or why it does not accept it. */
export type TokenInspection =
  | {
      verdict: 'valid' | 'expired';
      /** What Keystone says of it: never the token itself, nor its catalog (only its size). */
      token: Omit<IssuedToken, 'token' | 'catalog'>;
      /** Keystone's clock (its Date header), to count the time left in Keystone's own time. */
      keystoneTime: Date | null;
      catalogSize: CatalogSize;
    }
  /** Refused without allow_expired: expired or revoked, Keystone does not say which. */
  | { verdict: 'not_accepted' | 'revoked' | 'unknown'; message: string | null }
  /** Keystone's policy forbids the caller this look-up (403): its own words. */
  | { verdict: 'refused'; message: string | null };

export interface CatalogSize {
  services: number;
  endpoints: number;
}

export interface AuthProject {
  id: string;
  name: string;
  domainId: string | null;
  enabled: boolean;
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
