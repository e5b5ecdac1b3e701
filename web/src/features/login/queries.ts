import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { cloudListSchema } from '@contract/clouds';
import { sessionInfoSchema, type LoginRequest } from '@contract/session';
import { apiClient, resetCsrfToken } from '../../lib/api-client';
import { sessionKeys } from '../session/queries';

export const cloudsQueryOptions = () =>
  queryOptions({
    queryKey: ['clouds'],
    queryFn: ({ signal }) => apiClient.get('/api/clouds', cloudListSchema, signal),
    staleTime: 5 * 60_000,
  });

export function useSignInMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (login: LoginRequest) => apiClient.post('/api/session', login, sessionInfoSchema),
    onSuccess: (session) => {
      // A new session: whatever was cached belonged to another one (or to nobody).
      resetCsrfToken();
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'clouds' });
      queryClient.setQueryData(sessionKeys.session, session);
    },
  });
}
