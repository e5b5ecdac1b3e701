import { z } from 'zod';
import type {
  ApplicationCredential,
  CreatedApplicationCredential,
  CreatedEc2Credential,
  Ec2Credential,
} from '../../contract/credentials.js';
import { openstackFetch, parseUpstream } from '../openstack-fetch.js';
import { failCredentialsCall } from './credential-errors.js';
import type { NewApplicationCredential } from './identity-client.js';
import { parseKeystoneTime } from './keystone-time.js';

/**
 * Keystone v3's application credentials and EC2 credentials of a user, called with that user's
 * token. https://docs.openstack.org/api-ref/identity/v3/#application-credentials and
 * https://docs.openstack.org/api-ref/identity/v3-ext/#os-ec2-api
 */

const applicationCredentialBody = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  project_id: z.string().nullish(),
  roles: z.array(z.object({ id: z.string().nullish(), name: z.string() })).nullish(),
  expires_at: z.string().nullish(),
  unrestricted: z.boolean().nullish(),
  access_rules: z.array(z.object({ service: z.string(), method: z.string(), path: z.string() })).nullish(),
});

const ec2CredentialBody = z.object({
  access: z.string(),
  secret: z.string().nullish(),
  tenant_id: z.string().nullish(),
  project_id: z.string().nullish(),
});

export type Ec2CredentialBody = z.infer<typeof ec2CredentialBody>;
export const ec2ListSchema = z.object({ credentials: z.array(ec2CredentialBody) });
export const ec2CreatedSchema = z.object({ credential: ec2CredentialBody.extend({ secret: z.string() }) });

export interface CallContext {
  rootUrl: string;
  timeoutMs: number;
  token: string;
  userId: string;
}

const seg = encodeURIComponent;

/** A cloud that does not offer a credentials API may say so with 501 (credential-errors.ts). */
const NOT_IMPLEMENTED = [501] as const;

function toApplicationCredential(body: z.infer<typeof applicationCredentialBody>): ApplicationCredential {
  return {
    id: body.id,
    name: body.name,
    description: body.description ?? null,
    projectId: body.project_id ?? null,
    roles: (body.roles ?? []).map((role) => ({ id: role.id ?? null, name: role.name })),
    // Keystone answers "2027-01-01T00:00:00.000000" (UTC, no zone).
    expiresAt: body.expires_at ? parseKeystoneTime(body.expires_at).toISOString() : null,
    unrestricted: body.unrestricted ?? false,
    accessRules: (body.access_rules ?? []).map((rule) => ({
      service: rule.service,
      method: rule.method.toUpperCase(),
      path: rule.path,
    })),
  };
}

/** Keystone takes expires_at without a zone and reads it as UTC (checked on Keystone 22). */
export function toKeystoneUtc(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, '');
}

export async function listApplicationCredentialsV3(call: CallContext): Promise<ApplicationCredential[]> {
  const response = await openstackFetch(
    `${call.rootUrl}/v3/users/${seg(call.userId)}/application_credentials`,
    {
      service: 'Keystone',
      passStatuses: NOT_IMPLEMENTED,
      headers: { 'X-Auth-Token': call.token },
      timeoutMs: call.timeoutMs,
    },
  );
  if (response.status !== 200) failCredentialsCall(response, 'the application credential list');
  const body = parseUpstream(
    z.object({ application_credentials: z.array(applicationCredentialBody) }),
    response.body,
    'Keystone',
    'the application credential list',
  );
  return body.application_credentials
    .map(toApplicationCredential)
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function createApplicationCredentialV3(
  call: CallContext,
  request: NewApplicationCredential,
  beforeSend?: () => Promise<void>,
): Promise<CreatedApplicationCredential> {
  const body: Record<string, unknown> = { name: request.name };
  if (request.description) body.description = request.description;
  if (request.secret) body.secret = request.secret;
  if (request.expiresAt) body.expires_at = toKeystoneUtc(request.expiresAt);
  if (request.roles) body.roles = request.roles.map((name) => ({ name }));
  if (request.unrestricted) body.unrestricted = true;
  if (request.accessRules && request.accessRules.length > 0) body.access_rules = request.accessRules;
  await beforeSend?.();
  const response = await openstackFetch(
    `${call.rootUrl}/v3/users/${seg(call.userId)}/application_credentials`,
    {
      service: 'Keystone',
      passStatuses: NOT_IMPLEMENTED,
      method: 'POST',
      headers: { 'X-Auth-Token': call.token },
      timeoutMs: call.timeoutMs,
      json: { application_credential: body },
    },
  );
  if (response.status !== 201 && response.status !== 200)
    failCredentialsCall(response, 'the application credential creation');
  const created = parseUpstream(
    z.object({ application_credential: applicationCredentialBody.extend({ secret: z.string() }) }),
    response.body,
    'Keystone',
    'the new application credential',
  ).application_credential;
  return { ...toApplicationCredential(created), secret: created.secret };
}

export async function deleteApplicationCredentialV3(call: CallContext, id: string): Promise<void> {
  const response = await openstackFetch(
    `${call.rootUrl}/v3/users/${seg(call.userId)}/application_credentials/${seg(id)}`,
    {
      service: 'Keystone',
      passStatuses: NOT_IMPLEMENTED,
      method: 'DELETE',
      headers: { 'X-Auth-Token': call.token },
      timeoutMs: call.timeoutMs,
    },
  );
  if (response.status !== 204 && response.status !== 200)
    failCredentialsCall(response, 'the application credential deletion', true);
}

/** Both versions answer the same shapes under their own prefix (/v3 or /v2.0). */
export async function listEc2Credentials(call: CallContext, prefix: string): Promise<Ec2CredentialBody[]> {
  const response = await openstackFetch(
    `${call.rootUrl}${prefix}/users/${seg(call.userId)}/credentials/OS-EC2`,
    {
      service: 'Keystone',
      passStatuses: NOT_IMPLEMENTED,
      headers: { 'X-Auth-Token': call.token },
      timeoutMs: call.timeoutMs,
    },
  );
  if (response.status !== 200) failCredentialsCall(response, 'the EC2 credential list');
  return parseUpstream(ec2ListSchema, response.body, 'Keystone', 'the EC2 credential list').credentials;
}

/** Without their secrets (Keystone's list carries them): the only answer with one is the creation's. */
export function toEc2Credentials(bodies: Ec2CredentialBody[], projectId: string | null): Ec2Credential[] {
  return bodies
    .map((body) => ({ access: body.access, projectId: body.tenant_id ?? body.project_id ?? '' }))
    .filter((credential) => projectId === null || credential.projectId === projectId)
    .sort((a, b) => a.access.localeCompare(b.access));
}

export async function createEc2Credential(
  call: CallContext,
  prefix: string,
  projectId: string,
  beforeSend?: () => Promise<void>,
): Promise<CreatedEc2Credential> {
  await beforeSend?.();
  const response = await openstackFetch(
    `${call.rootUrl}${prefix}/users/${seg(call.userId)}/credentials/OS-EC2`,
    {
      service: 'Keystone',
      passStatuses: NOT_IMPLEMENTED,
      method: 'POST',
      headers: { 'X-Auth-Token': call.token },
      timeoutMs: call.timeoutMs,
      json: { tenant_id: projectId },
    },
  );
  if (response.status !== 201 && response.status !== 200)
    failCredentialsCall(response, 'the EC2 credential creation');
  const created = parseUpstream(
    ec2CreatedSchema,
    response.body,
    'Keystone',
    'the new EC2 credential',
  ).credential;
  return {
    access: created.access,
    secret: created.secret,
    projectId: created.tenant_id ?? created.project_id ?? projectId,
  };
}

export async function deleteEc2Credential(call: CallContext, prefix: string, access: string): Promise<void> {
  const response = await openstackFetch(
    `${call.rootUrl}${prefix}/users/${seg(call.userId)}/credentials/OS-EC2/${seg(access)}`,
    {
      service: 'Keystone',
      passStatuses: NOT_IMPLEMENTED,
      method: 'DELETE',
      headers: { 'X-Auth-Token': call.token },
      timeoutMs: call.timeoutMs,
    },
  );
  if (response.status !== 204 && response.status !== 200)
    failCredentialsCall(response, 'the EC2 credential deletion', true);
}
