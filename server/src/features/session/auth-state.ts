import type { Catalog } from '../../contract/catalog.js';
import type { IdentityApiVersion } from '../../contract/common.js';
import type { ProjectRef, RoleRef, UserRef } from '../../contract/session.js';

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
}

export interface AuthState {
  cloud: string;
  identityApiVersion: IdentityApiVersion;
  regionName: string | null;
  /** The name the operator signed in with (v2.0 password auth needs it; v3 reissues by user id). */
  username: string | null;
  sealedPassword: string | null;
  currentTokenId: string;
  /** Newest first; capped so a long session cannot grow without bound. */
  tokens: StoredToken[];
  /** The current token's catalog (fetched from /v3/auth/catalog when the token body had none). */
  catalog: Catalog | null;
}

declare module 'express-session' {
  interface SessionData {
    auth: AuthState;
    createdAt: number;
    csrfToken: string;
  }
}

/** The session as the services see it: no Express, so they can be driven by tests directly. */
export interface SessionHandle {
  readonly id: string;
  auth: AuthState | undefined;
  /** New id, same nothing: called at login against session fixation. */
  regenerate(): Promise<void>;
  destroy(): Promise<void>;
}

export const MAX_TOKENS_PER_SESSION = 20;
