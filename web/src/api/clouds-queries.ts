import { queryOptions } from '@tanstack/react-query';
import { cloudListSchema } from '@contract/clouds';
import { apiClient } from '../lib/api-client';

/** The configured clouds: not per session (the login page needs them before anyone signs in). */
export const cloudsQueryOptions = () =>
  queryOptions({
    queryKey: ['clouds'],
    queryFn: ({ signal }) => apiClient.get('/api/clouds', cloudListSchema, signal),
    staleTime: 5 * 60_000,
  });
