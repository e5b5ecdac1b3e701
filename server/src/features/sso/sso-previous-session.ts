import type { AuthState } from '../../auth/auth-state.js';
import type { SecretBox } from '../../platform/secret-box.js';

/**
 * The signed-in session "renew through SSO" starts from, carried (sealed) in the marker cookie.
 * Behind TLS Keystone is another site: its form post carries the marker (SameSite=None) but not
 * the SameSite=Strict session cookie, so this is how the callback finds that session: to revoke
 * its tokens at its own cloud's Keystone, and to return to its project when the same user came back.
 */
export interface PreviousSession {
  id: string;
  cloud: string;
  userId: string;
  projectId: string | null;
}

/** The SecretBox context it is sealed under (not a session id: nothing else opens it). */
const CONTEXT = 'sso-previous-session';

export function sealPreviousSession(
  secretBox: SecretBox,
  id: string,
  auth: AuthState | undefined,
): string | null {
  if (!auth?.current) return null;
  const previous: PreviousSession = {
    id,
    cloud: auth.cloud,
    userId: auth.current.user.id,
    projectId: auth.current.project?.id ?? null,
  };
  return secretBox.seal(JSON.stringify(previous), CONTEXT);
}

/** The session, or null when there was none or no configured key opens it any more. */
export function openPreviousSession(secretBox: SecretBox, sealed: string | null): PreviousSession | null {
  if (!sealed) return null;
  try {
    const data = JSON.parse(secretBox.open(sealed, CONTEXT)) as Partial<PreviousSession>;
    if (typeof data.id !== 'string' || typeof data.cloud !== 'string' || typeof data.userId !== 'string')
      return null;
    return {
      id: data.id,
      cloud: data.cloud,
      userId: data.userId,
      projectId: typeof data.projectId === 'string' ? data.projectId : null,
    };
  } catch {
    return null;
  }
}
