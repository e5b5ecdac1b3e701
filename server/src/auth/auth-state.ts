import type { Catalog } from '../contract/catalog.js';
import type { IdentityApiVersion } from '../contract/common.js';
import type { ProjectRef, RoleRef, UserRef } from '../contract/session.js';
import type { ProjectScope, TokenApplicationCredential } from '../openstack/keystone.js';

/**
 * What the server-side session holds for a signed-in operator. Secrets (tokens, the kept
 * password) are only ever stored sealed by the SecretBox, bound to the session id.
 */
export interface StoredToken {
  id: string;
  sealedToken: string;
  tokenPreview: string;
  /** Both in the BFF's clock (ms): receipt time, and receipt + Keystone's own issued→expires span. */
  issuedAtMs: number;
  expiresAtMs: number;
  user: UserRef;
  project: ProjectRef | null;
  roles: RoleRef[];
  methods: string[];
  auditIds: string[];
  isRevoked: boolean;
  /** Set for tokens issued for an application credential (absent in sessions from older versions). */
  applicationCredential?: TokenApplicationCredential | null;
}

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
  currentTokenId: string;
  /** Newest first; capped so a long session cannot grow without bound. */
  tokens: StoredToken[];
  /** The current token's catalog (fetched from /v3/auth/catalog when the token body had none). */
  catalog: Catalog | null;
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
  scope: ProjectScope | null;
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
    createdAt: number;
    csrfToken: string;
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
  auth: AuthState | undefined;
  /** A sign-in waiting for its passcode (optional so that simple test doubles need not model it). */
  pendingMfa?: PendingMfa | undefined;
  /** New id, same nothing: called at login against session fixation. */
  regenerate(): Promise<void>;
  destroy(): Promise<void>;
}

export const MAX_TOKENS_PER_SESSION = 20;
