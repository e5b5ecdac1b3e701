import * as z from 'zod/mini';
import { idSchema, identityApiVersionSchema, nameSchema } from './common.js';

/** A TOTP passcode (RFC 6238 as Keystone checks it: 6 digits, 30 s steps). */
export const passcodeSchema = z
  .string()
  .check(z.trim(), z.regex(/^\d{6}$/, 'must be the 6 digits your authenticator app shows'));

const secretSchema = z.string().check(z.minLength(1, 'is required'), z.maxLength(4096));

/**
 * POST /api/session. Fields left out fall back to the cloud's `clouds.yaml` defaults; with no
 * project at all the token is unscoped. The password is used for this exchange and, if the
 * server keeps passwords for reissue, stored encrypted in the server-side session only.
 *
 * Two kinds of credentials, one of them per request:
 * - `password` (+ `passcode` when the account has a second factor: Keystone's password + totp
 *   methods in one request; without it such an account gets `mfa_required`, then
 *   POST /api/session/mfa);
 * - `applicationCredentialSecret` with `applicationCredentialId`, or `applicationCredentialName` +
 *   the user (name + domain, or id); the id or name may come from the cloud's defaults. An
 *   application credential is bound to its project: no project may be asked for with it.
 */
export const loginRequestSchema = z
  .strictObject({
    cloud: nameSchema,
    username: z.optional(nameSchema),
    userId: z.optional(idSchema),
    password: z.optional(secretSchema),
    passcode: z.optional(passcodeSchema),
    applicationCredentialId: z.optional(idSchema),
    applicationCredentialName: z.optional(nameSchema),
    applicationCredentialSecret: z.optional(secretSchema),
    userDomainName: z.optional(nameSchema),
    userDomainId: z.optional(idSchema),
    projectId: z.optional(idSchema),
    projectName: z.optional(nameSchema),
    projectDomainName: z.optional(nameSchema),
    projectDomainId: z.optional(idSchema),
    regionName: z.optional(nameSchema),
  })
  .check(
    z.superRefine((login, context) => {
      const issue = (field: string, message: string) =>
        context.addIssue({ code: 'custom', path: [field], message });
      const isAppCredential = login.applicationCredentialSecret !== undefined;
      if (login.password !== undefined && isAppCredential)
        issue('applicationCredentialSecret', 'cannot be combined with a password');
      if (login.password === undefined && !isAppCredential) {
        if (login.applicationCredentialId !== undefined || login.applicationCredentialName !== undefined)
          issue('applicationCredentialSecret', 'is required with an application credential');
        else issue('password', 'is required');
      }
      if (login.applicationCredentialId !== undefined && login.applicationCredentialName !== undefined)
        issue('applicationCredentialName', 'give the application credential id or its name, not both');
      if (isAppCredential && login.passcode !== undefined)
        issue('passcode', 'goes with a password, not with an application credential');
      if (isAppCredential && (login.projectId !== undefined || login.projectName !== undefined))
        issue(
          login.projectId !== undefined ? 'projectId' : 'projectName',
          'cannot be chosen: an application credential is bound to its project',
        );
    }),
  );
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const domainRefSchema = z.object({ id: z.nullable(z.string()), name: z.nullable(z.string()) });
export type DomainRef = z.infer<typeof domainRefSchema>;

export const userRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  domain: z.nullable(domainRefSchema),
});
export type UserRef = z.infer<typeof userRefSchema>;

export const projectRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  domain: z.nullable(domainRefSchema),
});
export type ProjectRef = z.infer<typeof projectRefSchema>;

export const roleRefSchema = z.object({ id: z.nullable(z.string()), name: z.string() });
export type RoleRef = z.infer<typeof roleRefSchema>;

/**
 * What a token is scoped to: a project, a domain, the whole system (`"system": {"all": true}`),
 * or nothing yet. https://docs.openstack.org/api-ref/identity/v3/#authentication-and-token-management
 */
export const tokenScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('project'), project: projectRefSchema }),
  z.object({
    kind: z.literal('domain'),
    domain: z.object({ id: z.string(), name: z.nullable(z.string()) }),
  }),
  z.object({ kind: z.literal('system') }),
  z.object({ kind: z.literal('unscoped') }),
]);
export type TokenScopeInfo = z.infer<typeof tokenScopeSchema>;

/** GET /api/session: what the browser may know about the signed-in operator. */
export const sessionInfoSchema = z.object({
  cloud: z.string(),
  regionName: z.nullable(z.string()),
  identityApiVersion: identityApiVersionSchema,
  user: userRefSchema,
  project: z.nullable(projectRefSchema),
  /** Project, domain, system or none (optional: absent from older servers; read `project` then). */
  scope: z.optional(tokenScopeSchema),
  roles: z.array(roleRefSchema),
  issuedAt: z.string(),
  expiresAt: z.string(),
  /**
   * True when reissue must be given the password (or the application credential secret) again:
   * the server does not keep it.
   */
  reissueNeedsPassword: z.boolean(),
  /**
   * True when the account has a second factor: every reissue needs a fresh `passcode`, and the
   * token is never renewed silently (optional: absent from older servers, read it as false).
   */
  requiresPasscodeForReissue: z.optional(z.boolean()),
  /**
   * How the operator signed in. `websso`: through the cloud's identity provider; there is no
   * secret, so a token with a fresh lifetime needs another round trip through it ("renew through
   * SSO", GET /api/sso/{cloud}/start). Optional: absent from older servers, read it as password.
   */
  signInMethod: z.optional(z.enum(['password', 'application_credential', 'websso'])),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

/**
 * POST /api/session/mfa: the second step of a sign-in that answered `mfa_required`. The BFF holds
 * Keystone's auth receipt in the session and sends it with this passcode (the totp method).
 */
export const mfaRequestSchema = z.strictObject({ passcode: passcodeSchema });
export type MfaRequest = z.infer<typeof mfaRequestSchema>;

/** DELETE /api/session: what happened to each token at Keystone (v2.0 revocation is best effort). */
export const logoutResultSchema = z.object({
  revoked: z.int(),
  notRevoked: z.int(),
});
export type LogoutResult = z.infer<typeof logoutResultSchema>;

/** GET /api/projects */
export const projectListSchema = z.object({
  projects: z.array(
    z.object({ id: z.string(), name: z.string(), domainId: z.nullable(z.string()), enabled: z.boolean() }),
  ),
});
export type ProjectList = z.infer<typeof projectListSchema>;

/** POST /api/session/project */
export const selectProjectRequestSchema = z.strictObject({ projectId: idSchema });
export type SelectProjectRequest = z.infer<typeof selectProjectRequestSchema>;
