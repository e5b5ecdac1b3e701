import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { scopeListSchema, type SelectScopeRequest } from '@contract/scopes';
import { sessionInfoSchema, type SessionInfo } from '@contract/session';
import { apiClient } from '../../lib/api-client';
import { sessionInfoKey, sessionRootKey } from '../../lib/query-client';
import { projectKeys } from './queries';

export const scopeKeys = {
  all: [...sessionRootKey, 'scopes'] as const,
};

/** Exactly the scopes Keystone offers the user: projects, domains, the system. */
export const scopesQueryOptions = () =>
  queryOptions({
    queryKey: scopeKeys.all,
    queryFn: ({ signal }) => apiClient.get('/api/scopes', scopeListSchema, signal),
    staleTime: 5 * 60_000,
  });

/** A scope as one <select> value: `project:<id>`, `domain:<id>` or `system`. */
export function scopeValue(request: SelectScopeRequest): string {
  if (request.kind === 'project') return `project:${request.projectId}`;
  if (request.kind === 'domain') return `domain:${request.domainId}`;
  return 'system';
}

export function parseScopeValue(value: string): SelectScopeRequest | null {
  if (value === 'system') return { kind: 'system' };
  if (value.startsWith('project:')) return { kind: 'project', projectId: value.slice('project:'.length) };
  if (value.startsWith('domain:')) return { kind: 'domain', domainId: value.slice('domain:'.length) };
  return null;
}

/**
 * Switching the scope changes the token, so every cached answer of the session but the session
 * itself and the lists of scopes is stale (catalog, networks, token): drop them and let the pages
 * refetch.
 */
export function useSelectScopeMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: SelectScopeRequest) =>
      apiClient.post('/api/session/scope', request, sessionInfoSchema),
    onSuccess: (session: SessionInfo) => {
      queryClient.setQueryData(sessionInfoKey, session);
      const kept: readonly unknown[] = [sessionInfoKey[1], projectKeys.all[1], scopeKeys.all[1]];
      void queryClient.resetQueries({
        queryKey: sessionRootKey,
        predicate: (query) => !kept.includes(query.queryKey[1]),
      });
    },
  });
}
