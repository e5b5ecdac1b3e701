import { useMutation } from '@tanstack/react-query';
import { logoutResultSchema } from '@contract/session';
import { apiClient, resetCsrfToken } from '../../lib/api-client';
import { sessionRootKey } from '../../lib/query-client';

export const projectKeys = {
  all: [...sessionRootKey, 'projects'] as const,
};

/**
 * DELETE /api/session revokes the token(s) at Keystone. The caller leaves the signed-in pages
 * and then calls `clearSessionQueries`, so nothing refetches on the way out.
 */
export function useSignOutMutation() {
  return useMutation({
    mutationFn: () => apiClient.deleteWith('/api/session', logoutResultSchema),
    onSettled: () => resetCsrfToken(),
  });
}
