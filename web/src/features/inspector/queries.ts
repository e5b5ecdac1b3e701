import { queryOptions, useMutation } from '@tanstack/react-query';
import { tokenInspectionSchema, type InspectTokenRequest } from '@contract/inspector';
import { issuedTokenListSchema } from '@contract/token';
import { apiClient } from '../../lib/api-client';
import { sessionRootKey } from '../../lib/query-client';

/**
 * The session's tokens to pick from: the same query (and key) as the token page's list, so a
 * revocation there refreshes this list too.
 */
export const sessionTokensQueryOptions = () =>
  queryOptions({
    queryKey: [...sessionRootKey, 'token', 'issued'] as const,
    queryFn: ({ signal }) => apiClient.get('/api/tokens', issuedTokenListSchema, signal),
  });

/**
 * One look-up. A mutation, not a query: the pasted token travels in a POST body once and is never
 * part of a query key, the cache, a URL or storage.
 */
export function useInspectTokenMutation() {
  return useMutation({
    mutationFn: (request: InspectTokenRequest) =>
      apiClient.post('/api/inspector', request, tokenInspectionSchema),
  });
}
