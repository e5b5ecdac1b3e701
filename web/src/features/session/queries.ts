import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  logoutResultSchema,
  projectListSchema,
  sessionInfoSchema,
  type SessionInfo,
} from '@contract/session';
import { apiClient, resetCsrfToken } from '../../lib/api-client';
import { sessionInfoKey, sessionRootKey } from '../../lib/query-client';

export const projectKeys = {
  all: [...sessionRootKey, 'projects'] as const,
};

export const projectsQueryOptions = () =>
  queryOptions({
    queryKey: projectKeys.all,
    queryFn: ({ signal }) => apiClient.get('/api/projects', projectListSchema, signal),
    staleTime: 5 * 60_000,
  });

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

/**
 * Switching the project changes the token, so every cached answer of the session but the session
 * itself and its project list is stale (catalog, networks, token): drop them and let the pages
 * refetch.
 */
export function useSelectProjectMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (projectId: string) =>
      apiClient.post('/api/session/project', { projectId }, sessionInfoSchema),
    onSuccess: (session: SessionInfo) => {
      queryClient.setQueryData(sessionInfoKey, session);
      const kept: readonly unknown[] = [sessionInfoKey[1], projectKeys.all[1]];
      // reset, not remove: mounted pages refetch at once instead of holding a detached query.
      void queryClient.resetQueries({
        queryKey: sessionRootKey,
        predicate: (query) => !kept.includes(query.queryKey[1]),
      });
    },
  });
}
