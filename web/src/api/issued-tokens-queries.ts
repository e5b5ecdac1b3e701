import { queryOptions } from '@tanstack/react-query';
import { issuedTokenListSchema } from '@contract/token';
import { apiClient } from '../lib/api-client';
import { sessionRootKey } from '../lib/query-client';

/**
 * The session's tokens (GET /api/tokens), shared by the token page's list and the inspector's
 * picker: one query and one key, so a revocation on either refreshes both.
 */
export const issuedTokensKey = [...sessionRootKey, 'token', 'issued'] as const;

export const issuedTokensQueryOptions = () =>
  queryOptions({
    queryKey: issuedTokensKey,
    queryFn: ({ signal }) => apiClient.get('/api/tokens', issuedTokenListSchema, signal),
  });
