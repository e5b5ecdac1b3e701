import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import type { SessionInfo } from '@contract/session';
import { isApiError, isAuthLostError, resetCsrfToken, type ApiError } from './api-client';
import { readPreference } from './preferences';

// Every query and mutation rejects with ApiError (lib/api-client.ts): registered once here, so
// `error` is typed as ApiError everywhere and no component narrows it again.
declare module '@tanstack/react-query' {
  interface Register {
    defaultError: ApiError;
  }
}

/**
 * The root of every query key that belongs to a signed-in session (the session itself, projects,
 * token, tokens, catalog, networks...): a session's answers are dropped with one call, and a key
 * that forgets the root is left behind for the next user, which the tests catch.
 */
export const sessionRootKey = ['session'] as const;
/** Who is signed in, to which cloud and region: read here on a lost session to keep cloud and region. */
export const sessionInfoKey = [...sessionRootKey, 'info'] as const;

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

/**
 * Forget every answer that belonged to the session (at sign-out, on a lost session, at sign-in);
 * what is not per session (the cloud list) stays.
 */
export function clearSessionQueries(queryClient: QueryClient): void {
  queryClient.removeQueries({ queryKey: sessionRootKey });
  // Settled mutations (a failed reissue, say) belonged to the session too. A pending one is left to
  // finish: at sign-in it is the sign-in itself, adopting the new session.
  const mutations = queryClient.getMutationCache();
  for (const mutation of mutations.getAll()) {
    if (mutation.state.status !== 'pending') mutations.remove(mutation);
  }
}

function shouldRetry(failureCount: number, error: ApiError): boolean {
  // Registered as ApiError, but a bug in a query function can still throw something else.
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
  const handleError = (error: ApiError) => {
    if (!isAuthLostError(error) || options.isOnAuthScreen()) return;
    const session = queryClient.getQueryData<SessionInfo>(sessionInfoKey);
    const lost: AuthLost = {
      reason: error.code === 'token_expired' ? 'token_expired' : 'not_authenticated',
      cloud: session?.cloud ?? readPreference('lastCloud'),
      region: session?.regionName ?? readPreference('lastRegion'),
    };
    resetCsrfToken();
    // Leave the signed-in pages first, then drop their data: clearing while they are still
    // mounted would make them refetch (and fail again) on the way out.
    void Promise.resolve(options.onAuthLost(lost)).then(() => clearSessionQueries(queryClient));
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
