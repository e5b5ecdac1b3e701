import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { tokenInfoSchema, tokenSecretSchema, type ReissueRequest, type TokenInfo } from '@contract/token';
import { issuedTokensKey } from '../../api/issued-tokens-queries';
import { apiClient } from '../../lib/api-client';
import { sessionInfoKey, sessionRootKey } from '../../lib/query-client';

/** TokenInfo plus the monotonic clock reading taken when it arrived: the countdown's anchor. */
export type AnchoredTokenInfo = TokenInfo & { receivedAtMs: number };

function anchor(info: TokenInfo): AnchoredTokenInfo {
  return { ...info, receivedAtMs: performance.now() };
}

export const tokenKeys = {
  all: [...sessionRootKey, 'token'] as const,
  info: [...sessionRootKey, 'token', 'info'] as const,
  issued: issuedTokensKey,
};

export const tokenInfoQueryOptions = () =>
  queryOptions({
    queryKey: tokenKeys.info,
    queryFn: async ({ signal }) => anchor(await apiClient.get('/api/token', tokenInfoSchema, signal)),
    // Re-anchor now and then (and on focus) so a suspended laptop does not show a stale countdown.
    staleTime: 60_000,
    refetchInterval: 5 * 60_000,
  });

/**
 * The token itself. Deliberately not a query: it is fetched on reveal/copy, held in component
 * state while shown, and never kept in the query cache, browser storage or a URL.
 */
export async function fetchTokenSecret(): Promise<string> {
  const secret = await apiClient.get('/api/token/secret', tokenSecretSchema);
  return secret.token;
}

export function useReissueMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: ReissueRequest) => apiClient.post('/api/token/reissue', request, tokenInfoSchema),
    onSuccess: (info) => {
      queryClient.setQueryData(tokenKeys.info, anchor(info));
      void queryClient.invalidateQueries({ queryKey: tokenKeys.issued });
      void queryClient.invalidateQueries({ queryKey: sessionInfoKey });
    },
  });
}

export function useRevokeTokenMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiClient.delete(`/api/tokens/${encodeURIComponent(id)}`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all }),
  });
}
