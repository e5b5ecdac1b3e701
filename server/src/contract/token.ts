import * as z from 'zod/mini';
import { identityApiVersionSchema } from './common.js';
import {
  passcodeSchema,
  projectRefSchema,
  roleRefSchema,
  tokenScopeSchema,
  userRefSchema,
} from './session.js';

const secondsSchema = z.int().check(z.nonnegative());

/**
 * GET /api/token. Times are ISO-8601 UTC. `expiresAt` is re-anchored to the BFF's clock:
 * receipt time + Keystone's own (expires_at - issued_at), so a skewed Keystone clock does not
 * skew the countdown. `secondsLeft` is computed against `serverTime`.
 */
export const tokenInfoSchema = z.object({
  id: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  serverTime: z.string(),
  secondsLeft: secondsSchema,
  lifetimeSeconds: secondsSchema,
  user: userRefSchema,
  project: z.nullable(projectRefSchema),
  /** Project, domain, system or none (optional: absent from older servers; read `project` then). */
  scope: z.optional(tokenScopeSchema),
  roles: z.array(roleRefSchema),
  methods: z.array(z.string()),
  auditIds: z.array(z.string()),
  cloud: z.string(),
  regionName: z.nullable(z.string()),
  identityApiVersion: identityApiVersionSchema,
  /** The first characters of the token, enough to tell tokens apart, useless to an attacker. */
  tokenPreview: z.string(),
  /**
   * Set when the token was issued for an application credential (Keystone's token body carries
   * `application_credential`). A `restricted` one cannot manage identity (create application
   * credentials or trusts). Optional: absent from older servers.
   */
  applicationCredential: z.optional(
    z.nullable(
      z.object({ id: z.string(), name: z.nullable(z.string()), restricted: z.optional(z.boolean()) }),
    ),
  ),
});
export type TokenInfo = z.infer<typeof tokenInfoSchema>;

/** GET /api/token/secret (sent with Cache-Control: no-store). */
export const tokenSecretSchema = z.object({ token: z.string(), expiresAt: z.string() });
export type TokenSecret = z.infer<typeof tokenSecretSchema>;

const secretSchema = z.string().check(z.minLength(1), z.maxLength(4096));

/**
 * POST /api/token/reissue. `password` (or `applicationCredentialSecret`) only when the server does
 * not keep it; `passcode` whenever the session's account has a second factor (else mfa_required).
 */
export const reissueRequestSchema = z.strictObject({
  password: z.optional(secretSchema),
  applicationCredentialSecret: z.optional(secretSchema),
  passcode: z.optional(passcodeSchema),
  revokePrevious: z.optional(z.boolean()),
});
export type ReissueRequest = z.infer<typeof reissueRequestSchema>;

/** GET /api/tokens: every token issued in this session, newest first. */
export const issuedTokenSchema = z.object({
  id: z.string(),
  tokenPreview: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  projectId: z.nullable(z.string()),
  /** Project, domain, system or none (optional: absent from older servers). */
  scope: z.optional(tokenScopeSchema),
  isCurrent: z.boolean(),
  isRevoked: z.boolean(),
});
export type IssuedToken = z.infer<typeof issuedTokenSchema>;
export const issuedTokenListSchema = z.object({ tokens: z.array(issuedTokenSchema) });
export type IssuedTokenList = z.infer<typeof issuedTokenListSchema>;

/** DELETE /api/tokens/:id */
export const tokenIdParamSchema = z.object({
  id: z.string().check(z.regex(/^[a-z0-9]{8,64}$/, 'is not a token id')),
});
