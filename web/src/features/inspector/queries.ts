import { useMutation } from '@tanstack/react-query';
import { tokenInspectionSchema, type InspectTokenRequest } from '@contract/inspector';
import { apiClient } from '../../lib/api-client';

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
