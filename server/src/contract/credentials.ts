import * as z from 'zod/mini';
import { nameSchema } from './common.js';
import { roleRefSchema } from './session.js';

/**
 * Credentials for automation: Keystone application credentials and EC2 (S3) credentials of the
 * signed-in user (https://docs.openstack.org/api-ref/identity/v3/#application-credentials,
 * https://docs.openstack.org/api-ref/identity/v3-ext/#os-ec2-api). A secret appears in exactly one
 * answer, the creation's; lists never carry it (Keystone's EC2 list does: the BFF drops it).
 */

/**
 * Why a section cannot be used on this cloud: Keystone answered 403, 404 or 501, the identity API
 * is v2.0 (no application credentials), or the session signed in with a restricted application
 * credential (Keystone forbids it to create another one).
 */
export const credentialsUnavailableReasons = [
  'forbidden',
  'not_found',
  'not_implemented',
  'identity_v2',
  'restricted_application_credential',
] as const;
export const credentialsUnavailableSchema = z.object({
  reason: z.enum(credentialsUnavailableReasons),
  /** Keystone's own words where it gave some (English); the SPA shows the reason by code. */
  message: z.string(),
});
export type CredentialsUnavailable = z.infer<typeof credentialsUnavailableSchema>;

export const accessRuleMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** One access rule: which API calls the credential may make (Keystone's `access_rules`). */
export const accessRuleSchema = z.strictObject({
  service: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)),
  method: z.enum(accessRuleMethods),
  path: z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(255),
      z.regex(/^\//, 'must start with /'),
      z.regex(/^\S+$/, 'has a space'),
    ),
});
export type AccessRule = z.infer<typeof accessRuleSchema>;

/** An access rule as Keystone stores it: read leniently, so one odd rule never hides the whole list. */
export const storedAccessRuleSchema = z.object({ service: z.string(), method: z.string(), path: z.string() });
export type StoredAccessRule = z.infer<typeof storedAccessRuleSchema>;

/** GET /api/application-credentials: one item. Times are ISO-8601 UTC; null expiry = never. */
export const applicationCredentialSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.nullable(z.string()),
  projectId: z.nullable(z.string()),
  roles: z.array(roleRefSchema),
  expiresAt: z.nullable(z.string()),
  unrestricted: z.boolean(),
  accessRules: z.array(storedAccessRuleSchema),
});
export type ApplicationCredential = z.infer<typeof applicationCredentialSchema>;

export const applicationCredentialListSchema = z.object({
  applicationCredentials: z.array(applicationCredentialSchema),
  /** Set when the list cannot be had here; the list is then empty. */
  unavailable: z.nullable(credentialsUnavailableSchema),
  /** Set when the list is there but this session may not create one (a restricted application credential). */
  creationBlocked: z.nullable(credentialsUnavailableSchema),
});
export type ApplicationCredentialList = z.infer<typeof applicationCredentialListSchema>;

const descriptionSchema = z.string().check(z.maxLength(255));

/**
 * POST /api/application-credentials. `expiresAt` is an instant with a zone (ISO-8601, the SPA
 * sends UTC) in the future; `roles` are names, a subset of the current token's roles (all of them
 * when left out); `secret` is the operator's own (Keystone generates one otherwise).
 */
export const createApplicationCredentialRequestSchema = z.strictObject({
  name: nameSchema,
  description: z.optional(descriptionSchema),
  secret: z.optional(z.string().check(z.minLength(8, 'must be at least 8 characters'), z.maxLength(255))),
  expiresAt: z.optional(
    z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date and time with a zone' }),
  ),
  roles: z.optional(z.array(nameSchema).check(z.minLength(1, 'needs at least one role'), z.maxLength(50))),
  unrestricted: z.optional(z.boolean()),
  accessRules: z.optional(z.array(accessRuleSchema).check(z.maxLength(100))),
});
export type CreateApplicationCredentialRequest = z.infer<typeof createApplicationCredentialRequestSchema>;

/** The creation's answer: the only one that ever carries the secret. */
export const createdApplicationCredentialSchema = z.object({
  ...applicationCredentialSchema.shape,
  secret: z.string(),
});
export type CreatedApplicationCredential = z.infer<typeof createdApplicationCredentialSchema>;

/** DELETE /api/application-credentials/:id (Keystone ids are hex; we allow what Keystone might use). */
export const applicationCredentialIdParamSchema = z.object({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not an application credential id')),
});

/** GET /api/ec2-credentials: the current project's EC2 credentials, without their secrets. */
export const ec2CredentialSchema = z.object({
  access: z.string(),
  projectId: z.string(),
});
export type Ec2Credential = z.infer<typeof ec2CredentialSchema>;

export const ec2CredentialListSchema = z.object({
  ec2Credentials: z.array(ec2CredentialSchema),
  unavailable: z.nullable(credentialsUnavailableSchema),
});
export type Ec2CredentialList = z.infer<typeof ec2CredentialListSchema>;

/** POST /api/ec2-credentials (empty body: for the current project). Its answer carries the secret. */
export const createEc2CredentialRequestSchema = z.strictObject({});
export const createdEc2CredentialSchema = z.object({
  access: z.string(),
  secret: z.string(),
  projectId: z.string(),
});
export type CreatedEc2Credential = z.infer<typeof createdEc2CredentialSchema>;

/** DELETE /api/ec2-credentials/:access */
export const ec2AccessParamSchema = z.object({
  access: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'is not an EC2 access key')),
});
