import { useMutation, useQueryClient } from '@tanstack/react-query';
import { sessionInfoSchema, type LoginRequest, type SessionInfo } from '@contract/session';
import { apiClient, resetCsrfToken } from '../../lib/api-client';
import { clearSessionQueries, sessionInfoKey } from '../../lib/query-client';

/** A new session: whatever was cached belonged to another one (or to nobody). */
function useAdoptSession() {
  const queryClient = useQueryClient();
  return (session: SessionInfo) => {
    resetCsrfToken();
    clearSessionQueries(queryClient);
    queryClient.setQueryData(sessionInfoKey, session);
  };
}

/** POST /api/session. An account with a second factor rejects with `mfa_required`: then the passcode step. */
export function useSignInMutation() {
  const adoptSession = useAdoptSession();
  return useMutation({
    mutationFn: (login: LoginRequest) => apiClient.post('/api/session', login, sessionInfoSchema),
    onSuccess: adoptSession,
  });
}

/**
 * POST /api/session/mfa: the passcode completes the sign-in (the BFF holds Keystone's auth
 * receipt; the browser never sees it). `invalid_credentials`: wrong or stale passcode, try again;
 * `not_authenticated`: the pending sign-in expired, start over with the password.
 */
export function useSecondFactorMutation() {
  const adoptSession = useAdoptSession();
  return useMutation({
    mutationFn: (passcode: string) => apiClient.post('/api/session/mfa', { passcode }, sessionInfoSchema),
    onSuccess: adoptSession,
  });
}
