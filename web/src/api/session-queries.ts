import { queryOptions } from '@tanstack/react-query';
import { sessionInfoSchema } from '@contract/session';
import { apiClient } from '../lib/api-client';
import { sessionInfoKey } from '../lib/query-client';

/** Who is signed in, to which cloud, project and region: the gate, the header and most pages read it. */
export const sessionQueryOptions = () =>
  queryOptions({
    queryKey: sessionInfoKey,
    queryFn: ({ signal }) => apiClient.get('/api/session', sessionInfoSchema, signal),
    staleTime: 60_000,
  });
