import type { Catalog } from '../contract/catalog.js';
import type { IdentityApiVersion } from '../contract/common.js';
import type { DomainRef, ProjectRef, RoleRef, UserRef } from '../contract/session.js';
import type { TokenApplicationCredential, TokenScope } from '../openstack/keystone/identity-client.js';
import { NotAuthenticatedError } from '../platform/errors.js';

/**
 * One token the session obtained from Keystone, as the token ledger records it (token-ledger.ts).
 * The token itself is only ever stored sealed by the SecretBox, bound to the session id.
 */
export interface LedgerEntry {
  id: string;
  sealedToken: string;
  tokenPreview: string;
  /** Both in the BFF's clock (ms): receipt time, and receipt + Keystone's own issued→expires span. */
  issuedAtMs: number;
  expiresAtMs: number;
  isRevoked: boolean;
  user: UserRef;
  project: ProjectRef | null;
  /** A domain-scoped token's domain (optional: absent from entries recorded before scopes). */
  domain?: DomainRef | null;
  /** A system-scoped token (optional: absent from entries recorded before scopes). */
  system?: boolean;
  roles: RoleRef[];
  methods: string[];
  auditIds: string[];
  applicationCredential: TokenApplicationCredential | null;
}

/**
 * What the server-side session record holds for a signed-in operator: how to get new tokens, and
 * a copy of the current token's ledger entry so a status read needs no second store read. Every
 * token the session ever obtained is in the ledger, not here.
 */
export interface AuthState {
  cloud: string;
  identityApiVersion: IdentityApiVersion;
  regionName: string | null;
  /** The name the operator signed in with (v2.0 password auth needs it; v3 reissues by user id). */
  username: string | null;
  /** The kept password, or the application credential secret when `applicationCredentialId` is set. */
  sealedPassword: string | null;
  /** Signed in with this application credential: reissues use it (with the kept or given secret). */
  applicationCredentialId?: string | null;
  /**
   * The account has a second factor (Keystone answered the password with an auth receipt, or the
   * operator signed in with a passcode): a new token needs a fresh passcode, so no silent renewal.
   */
  requiresPasscode?: boolean;
  /**
   * Signed in through the cloud's identity provider (WebSSO): there is no secret to renew with, so
   * a token with a fresh lifetime needs a new round trip through the IdP ("renew through SSO").
   */
  signInMethod?: 'websso';
  current: LedgerEntry;
  /**
   * Only in records written before the catalog moved beside the ledger (session-catalog.ts reads
   * it once): the record holds no catalog any more (docs/decisions/0014-catalog-stored-per-token.md).
   */
  catalog?: Catalog | null;
}

/**
 * A sign-in waiting for its second factor: Keystone answered the password with 401 and an auth
 * receipt (https://docs.openstack.org/keystone/latest/user/multi-factor-authentication.html). The
 * receipt never reaches the browser; POST /api/session/mfa sends it with the passcode.
 */
export interface PendingMfa {
  cloud: string;
  regionName: string | null;
  username: string | null;
  userId: string;
  scope: TokenScope | null;
  sealedReceipt: string;
  /** The receipt's own lifetime (Keystone's issued_at -> expires_at), anchored to the BFF's clock. */
  expiresAtMs: number;
  /** The password, kept (sealed) for reissues once the sign-in completes, or null. */
  sealedPassword: string | null;
  failedAttempts: number;
}

declare module 'express-session' {
  interface SessionData {
    auth: AuthState;
    pendingMfa: PendingMfa;
    /** Set with every new id (sign-in, the second factor): only a stored session has it. */
    createdAt: number;
  }
}

/** The session as the services see it: no Express, so they can be driven by tests directly. */
export interface SessionHandle {
  readonly id: string;
  /**
   * When the request arrived (ms, the BFF's clock): a renewal that finished after it was running
   * while this request read its copy of the session, so the request shares that renewal.
   */
  readonly receivedAt?: number;
  /**
   * Read straight from the store for a request that only reads (ADR 0018): nothing in it can be
   * written, so whatever would write (a renewal) throws SessionWriteNeededError first, and the
   * request is served again with express-session.
   */
  readonly isReadOnly?: boolean;
  /**
   * The ledger entry whose token an upstream refused while this request was served read-only: the
   * request served again renews it before its first upstream call instead of asking again.
   */
  readonly rejectedTokenId?: string;
  auth: AuthState | undefined;
  /** A sign-in waiting for its passcode (optional so that simple test doubles need not model it). */
  pendingMfa?: PendingMfa | undefined;
  /** New id, same nothing: called at login against session fixation. */
  regenerate(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A request served from a read-only session reached something that writes the session (a token
 * renewal): nothing was written or obtained; serve it again with express-session.
 */
export class SessionWriteNeededError extends Error {
  constructor(
    /** Set when an upstream refused the current token (its ledger entry id). */
    readonly rejectedTokenId?: string,
  ) {
    super('this request needs a writable session');
  }
}

/** The signed-in state, or 401. A record from before the token ledger has no `current`: sign in again. */
export function requireAuth(session: SessionHandle): AuthState {
  const auth = session.auth;
  if (!auth) throw new NotAuthenticatedError();
  if (!auth.current) throw new NotAuthenticatedError('The session holds no token. Sign in again.');
  return auth;
}

/** Renewal without the operator: a kept secret, and no second factor to ask for. */
export function canRenewSilently(auth: AuthState): boolean {
  return auth.sealedPassword !== null && auth.requiresPasscode !== true;
}
