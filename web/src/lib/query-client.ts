import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import type { SessionInfo } from '@contract/session';
import { isApiError, isAuthLostError, resetCsrfToken } from './api-client';
import { readPreference } from './preferences';

export type AuthLostReason = 'not_authenticated' | 'token_expired';

export interface AuthLost {
  reason: AuthLostReason;
  cloud: string | null;
  region: string | null;
}

export interface AppQueryClientOptions {
  /** Where to go when the session is gone (the app navigates to /login with these). */
  onAuthLost: (lost: AuthLost) => void | Promise<void>;
  /** True while the login screen is shown: a 401 there is expected, not a lost session. */
  isOnAuthScreen: () => boolean;
}

/** Build the login URL that keeps the reason, cloud and region (none of them secret). */
export function buildLoginPath(lost: AuthLost): string {
  const params = new URLSearchParams({ reason: lost.reason });
  if (lost.cloud) params.set('cloud', lost.cloud);
  if (lost.region) params.set('region', lost.region);
  return `/login?${params.toString()}`;
}

/** Forget every answer that belonged to the session; the cloud list is not per session. */
export function clearSessionData(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'clouds' });
  queryClient.getMutationCache().clear();
}

function shouldRetry(failureCount: number, error: unknown): boolean {
  if (!isApiError(error)) return failureCount < 2;
  // Client errors will fail the same way again; unreachable upstreams may come back.
  const isTransient =
    error.code === 'network_error' ||
    error.code === 'upstream_unavailable' ||
    error.code === 'store_unavailable';
  return isTransient && failureCount < 2;
}

/**
 * The single place that handles a lost session: any query or mutation rejecting with
 * not_authenticated or token_expired clears every cached answer (they belonged to that session)
 * and sends the operator to the login page with the reason, keeping cloud and region.
 */
export function createAppQueryClient(options: AppQueryClientOptions): QueryClient {
  const handleError = (error: unknown) => {
    if (!isAuthLostError(error) || options.isOnAuthScreen()) return;
    const session = queryClient.getQueryData<SessionInfo>(['session']);
    const lost: AuthLost = {
      reason: error.code === 'token_expired' ? 'token_expired' : 'not_authenticated',
      cloud: session?.cloud ?? readPreference('lastCloud'),
      region: session?.regionName ?? readPreference('lastRegion'),
    };
    resetCsrfToken();
    // Leave the signed-in pages first, then drop their data: clearing while they are still
    // mounted would make them refetch (and fail again) on the way out.
    void Promise.resolve(options.onAuthLost(lost)).then(() => clearSessionData(queryClient));
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: handleError }),
    mutationCache: new MutationCache({ onError: handleError }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 30_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
  return queryClient;
}
