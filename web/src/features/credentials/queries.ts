import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  applicationCredentialListSchema,
  createdApplicationCredentialSchema,
  createdEc2CredentialSchema,
  ec2CredentialListSchema,
  type CreateApplicationCredentialRequest,
} from '@contract/credentials';
import { apiClient } from '../../lib/api-client';
import { sessionRootKey } from '../../lib/query-client';

/** Keys general -> specific; both lists belong to the session (its user and project). */
export const credentialKeys = {
  all: [...sessionRootKey, 'credentials'] as const,
  application: [...sessionRootKey, 'credentials', 'application'] as const,
  ec2: [...sessionRootKey, 'credentials', 'ec2'] as const,
};

export const applicationCredentialsQueryOptions = () =>
  queryOptions({
    queryKey: credentialKeys.application,
    queryFn: ({ signal }) =>
      apiClient.get('/api/application-credentials', applicationCredentialListSchema, signal),
  });

export const ec2CredentialsQueryOptions = () =>
  queryOptions({
    queryKey: credentialKeys.ec2,
    queryFn: ({ signal }) => apiClient.get('/api/ec2-credentials', ec2CredentialListSchema, signal),
  });

/**
 * The creations answer with the secret: it is handed to the component that shows it once and is
 * never kept by the mutation cache (gcTime 0; the component resets the mutation when done).
 */
export function useCreateApplicationCredential() {
  const queryClient = useQueryClient();
  return useMutation({
    gcTime: 0,
    mutationFn: (request: CreateApplicationCredentialRequest) =>
      apiClient.post('/api/application-credentials', request, createdApplicationCredentialSchema),
    onSettled: () => queryClient.invalidateQueries({ queryKey: credentialKeys.application }),
  });
}

export function useDeleteApplicationCredential() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiClient.delete(`/api/application-credentials/${encodeURIComponent(id)}`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: credentialKeys.application }),
  });
}

export function useCreateEc2Credential() {
  const queryClient = useQueryClient();
  return useMutation({
    gcTime: 0,
    mutationFn: () => apiClient.post('/api/ec2-credentials', {}, createdEc2CredentialSchema),
    onSettled: () => queryClient.invalidateQueries({ queryKey: credentialKeys.ec2 }),
  });
}

export function useDeleteEc2Credential() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (access: string) => apiClient.delete(`/api/ec2-credentials/${encodeURIComponent(access)}`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: credentialKeys.ec2 }),
  });
}
