import { z } from 'zod';
import { identityApiVersionSchema } from './common.js';
import { passcodeSchema, projectRefSchema, roleRefSchema, userRefSchema } from './session.js';

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
  secondsLeft: z.number().int().nonnegative(),
  lifetimeSeconds: z.number().int().nonnegative(),
  user: userRefSchema,
  project: projectRefSchema.nullable(),
  roles: z.array(roleRefSchema),
  methods: z.array(z.string()),
  auditIds: z.array(z.string()),
  cloud: z.string(),
  regionName: z.string().nullable(),
  identityApiVersion: identityApiVersionSchema,
  /** The first characters of the token, enough to tell tokens apart, useless to an attacker. */
  tokenPreview: z.string(),
  /**
   * Set when the token was issued for an application credential (Keystone's token body carries
   * `application_credential`). A `restricted` one cannot manage identity (create application
   * credentials or trusts). Optional: absent from older servers.
   */
  applicationCredential: z
    .object({ id: z.string(), name: z.string().nullable(), restricted: z.boolean().optional() })
    .nullable()
    .optional(),
});
export type TokenInfo = z.infer<typeof tokenInfoSchema>;

/** GET /api/token/secret (sent with Cache-Control: no-store). */
export const tokenSecretSchema = z.object({ token: z.string(), expiresAt: z.string() });
export type TokenSecret = z.infer<typeof tokenSecretSchema>;

/**
 * POST /api/token/reissue. `password` (or `applicationCredentialSecret`) only when the server does
 * not keep it; `passcode` whenever the session's account has a second factor (else mfa_required).
 */
export const reissueRequestSchema = z
  .object({
    password: z.string().min(1).max(4096).optional(),
    applicationCredentialSecret: z.string().min(1).max(4096).optional(),
    passcode: passcodeSchema.optional(),
    revokePrevious: z.boolean().optional(),
  })
  .strict();
export type ReissueRequest = z.infer<typeof reissueRequestSchema>;

/** GET /api/tokens: every token issued in this session, newest first. */
export const issuedTokenSchema = z.object({
  id: z.string(),
  tokenPreview: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  projectId: z.string().nullable(),
  isCurrent: z.boolean(),
  isRevoked: z.boolean(),
});
export type IssuedToken = z.infer<typeof issuedTokenSchema>;
export const issuedTokenListSchema = z.object({ tokens: z.array(issuedTokenSchema) });
export type IssuedTokenList = z.infer<typeof issuedTokenListSchema>;

/** DELETE /api/tokens/:id */
export const tokenIdParamSchema = z.object({ id: z.string().regex(/^[a-z0-9]{8,64}$/, 'is not a token id') });
