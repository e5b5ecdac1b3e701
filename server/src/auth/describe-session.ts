import type { SessionInfo } from '../contract/session.js';
import type { AuthState } from './auth-state.js';
import { describeScope } from './token-scope.js';

/** What the SPA is told about a signed-in session (GET /api/session and every sign-in step). */
export function describeSession(auth: AuthState): SessionInfo {
  const { current } = auth;
  return {
    cloud: auth.cloud,
    regionName: auth.regionName,
    identityApiVersion: auth.identityApiVersion,
    user: current.user,
    project: current.project,
    scope: describeScope(current),
    roles: current.roles,
    issuedAt: new Date(current.issuedAtMs).toISOString(),
    expiresAt: new Date(current.expiresAtMs).toISOString(),
    reissueNeedsPassword: auth.sealedPassword === null,
    requiresPasscodeForReissue: auth.requiresPasscode === true,
    signInMethod: auth.signInMethod ?? (auth.applicationCredentialId ? 'application_credential' : 'password'),
  };
}
