import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  logoutResultSchema,
  projectListSchema,
  sessionInfoSchema,
  type SessionInfo,
} from '@contract/session';
import { apiClient, resetCsrfToken } from '../../lib/api-client';

export const sessionKeys = {
  session: ['session'] as const,
  projects: ['projects'] as const,
};

export const sessionQueryOptions = () =>
  queryOptions({
    queryKey: sessionKeys.session,
    queryFn: ({ signal }) => apiClient.get('/api/session', sessionInfoSchema, signal),
    staleTime: 60_000,
  });

export const projectsQueryOptions = () =>
  queryOptions({
    queryKey: sessionKeys.projects,
    queryFn: ({ signal }) => apiClient.get('/api/projects', projectListSchema, signal),
    staleTime: 5 * 60_000,
  });

/**
 * DELETE /api/session revokes the token(s) at Keystone. The caller leaves the signed-in pages
 * and then calls `clearSessionData`, so nothing refetches on the way out.
 */
export function useSignOutMutation() {
  return useMutation({
    mutationFn: () => apiClient.deleteWith('/api/session', logoutResultSchema),
    onSettled: () => resetCsrfToken(),
  });
}

/**
 * Switching the project changes the token, so every cached answer but the session itself is
 * stale (catalog, networks, token): drop them and let the pages refetch.
 */
export function useSelectProjectMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (projectId: string) =>
      apiClient.post('/api/session/project', { projectId }, sessionInfoSchema),
    onSuccess: (session: SessionInfo) => {
      queryClient.setQueryData(sessionKeys.session, session);
      // reset, not remove: mounted pages refetch at once instead of holding a detached query.
      void queryClient.resetQueries({
        predicate: (query) => !['session', 'projects', 'clouds'].includes(String(query.queryKey[0])),
      });
    },
  });
}
