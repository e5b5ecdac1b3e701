import { z } from 'zod';
import { idSchema, identityApiVersionSchema, nameSchema } from './common.js';

/**
 * POST /api/session. Fields left out fall back to the cloud's `clouds.yaml` defaults; with no
 * project at all the token is unscoped. The password is used for this exchange and, if the
 * server keeps passwords for reissue, stored encrypted in the server-side session only.
 */
export const loginRequestSchema = z
  .object({
    cloud: nameSchema,
    username: nameSchema.optional(),
    userId: idSchema.optional(),
    password: z.string().min(1, 'is required').max(4096),
    userDomainName: nameSchema.optional(),
    userDomainId: idSchema.optional(),
    projectId: idSchema.optional(),
    projectName: nameSchema.optional(),
    projectDomainName: nameSchema.optional(),
    projectDomainId: idSchema.optional(),
    regionName: nameSchema.optional(),
  })
  .strict();
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const domainRefSchema = z.object({ id: z.string().nullable(), name: z.string().nullable() });
export type DomainRef = z.infer<typeof domainRefSchema>;

export const userRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  domain: domainRefSchema.nullable(),
});
export type UserRef = z.infer<typeof userRefSchema>;

export const projectRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  domain: domainRefSchema.nullable(),
});
export type ProjectRef = z.infer<typeof projectRefSchema>;

export const roleRefSchema = z.object({ id: z.string().nullable(), name: z.string() });
export type RoleRef = z.infer<typeof roleRefSchema>;

/** GET /api/session: what the browser may know about the signed-in operator. */
export const sessionInfoSchema = z.object({
  cloud: z.string(),
  regionName: z.string().nullable(),
  identityApiVersion: identityApiVersionSchema,
  user: userRefSchema,
  project: projectRefSchema.nullable(),
  roles: z.array(roleRefSchema),
  issuedAt: z.string(),
  expiresAt: z.string(),
  /** True when reissue must be given the password again (the server does not keep it). */
  reissueNeedsPassword: z.boolean(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

/** DELETE /api/session: what happened to each token at Keystone (v2.0 revocation is best effort). */
export const logoutResultSchema = z.object({
  revoked: z.number().int(),
  notRevoked: z.number().int(),
});
export type LogoutResult = z.infer<typeof logoutResultSchema>;

/** GET /api/projects */
export const projectListSchema = z.object({
  projects: z.array(
    z.object({ id: z.string(), name: z.string(), domainId: z.string().nullable(), enabled: z.boolean() }),
  ),
});
export type ProjectList = z.infer<typeof projectListSchema>;

/** POST /api/session/project */
export const selectProjectRequestSchema = z.object({ projectId: idSchema }).strict();
export type SelectProjectRequest = z.infer<typeof selectProjectRequestSchema>;
