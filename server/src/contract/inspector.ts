import * as z from 'zod/mini';
import { roleRefSchema, tokenScopeSchema, userRefSchema } from './session.js';

/**
 * A token as pasted: visible ASCII only (Fernet, UUID and JWS tokens all are), no spaces inside.
 * Bounded like every secret the API takes: Fernet tokens are under 300 characters, JWS ones ~800.
 */
const pastedTokenSchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'is required'),
    z.maxLength(4096, 'is longer than any Keystone token (4096 characters at most)'),
    z.regex(/^[\x21-\x7e]+$/, 'may only hold printable characters without spaces'),
  );

/**
 * POST /api/inspector: a token pasted by the operator (never stored, logged or answered back in
 * full), or one of the session's own by its ledger id (GET /api/tokens). `allowExpired` adds
 * Keystone's allow_expired look-up, which tells an expired token from a revoked one.
 */
export const inspectTokenRequestSchema = z
  .strictObject({
    token: z.optional(pastedTokenSchema),
    tokenId: z.optional(z.string().check(z.regex(/^[a-z0-9]{8,64}$/, 'is not a token id'))),
    allowExpired: z.optional(z.boolean()),
  })
  .check(
    z.superRefine((request, context) => {
      if ((request.token === undefined) === (request.tokenId === undefined))
        context.addIssue({
          code: 'custom',
          path: ['token'],
          message: 'give a token to paste or the id of one of this session’s tokens, one of them',
        });
    }),
  );
export type InspectTokenRequest = z.infer<typeof inspectTokenRequestSchema>;

/**
 * - valid: Keystone accepts it now;  expired: only with allow_expired (it ran out);
 * - revoked: refused even with allow_expired (revoked, or expired longer ago than Keystone keeps);
 * - not_accepted: refused, and no allow_expired look-up was asked for (expired or revoked);
 * - unknown: not a token of this Keystone;  refused: Keystone's policy forbids you the look-up.
 */
export const inspectionVerdicts = [
  'valid',
  'expired',
  'revoked',
  'not_accepted',
  'unknown',
  'refused',
] as const;
export const inspectionVerdictSchema = z.enum(inspectionVerdicts);
export type InspectionVerdict = z.infer<typeof inspectionVerdictSchema>;

export const tokenInspectionSchema = z.object({
  verdict: inspectionVerdictSchema,
  /** The first characters only, to tell which token this is about. */
  tokenPreview: z.string(),
  /** The session's ledger id when the token is one of the session's own. */
  tokenId: z.nullable(z.string()),
  allowExpired: z.boolean(),
  /** Keystone's own message when it did not answer the token (its 403/404 text). */
  keystoneMessage: z.nullable(z.string()),
  /** The BFF's clock when Keystone answered: the countdown's anchor. */
  checkedAt: z.string(),
  details: z.nullable(
    z.object({
      issuedAt: z.string(),
      expiresAt: z.string(),
      /** Seconds left by Keystone's own clock (its Date header), 0 once expired. */
      secondsLeft: z.int().check(z.nonnegative()),
      user: userRefSchema,
      scope: tokenScopeSchema,
      roles: z.array(roleRefSchema),
      methods: z.array(z.string()),
      auditIds: z.array(z.string()),
      applicationCredential: z.nullable(
        z.object({ id: z.string(), name: z.nullable(z.string()), restricted: z.optional(z.boolean()) }),
      ),
      catalog: z.object({ services: z.int(), endpoints: z.int() }),
    }),
  ),
});
export type TokenInspectionInfo = z.infer<typeof tokenInspectionSchema>;
