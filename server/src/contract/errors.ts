import * as z from 'zod/mini';

/**
 * The closed set of error codes the BFF answers with. The HTTP status of each is fixed by the
 * server's error handler; the SPA switches on `code`, never on the status or the message.
 */
export const errorCodes = [
  'invalid_input', // 400, with `fields`
  'not_authenticated', // 401: no session
  'invalid_credentials', // 401: Keystone refused the credentials
  'token_expired', // 401: the session's token ran out and could not be renewed
  'mfa_required', // 401: the account has a second factor: send its TOTP passcode (POST /api/session/mfa, or with the reissue)
  'forbidden', // 403
  'csrf_failed', // 403
  'not_found', // 404
  'payload_too_large', // 413
  'unsupported_media_type', // 415
  'rate_limited', // 429, with `retryAfter` (seconds) and a Retry-After header
  'internal_error', // 500: a bug of ours; never carries details
  'upstream_error', // 502: Keystone/Neutron answered badly or not JSON
  'upstream_unavailable', // 503/504: unreachable or timed out
  'store_unavailable', // 503: the session store cannot be reached
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(errorCodes),
    message: z.string(),
    /** Field path → what is wrong with it (invalid_input only). */
    fields: z.optional(z.record(z.string(), z.string())),
    /** Seconds to wait before trying again (rate_limited only). */
    retryAfter: z.optional(z.int().check(z.nonnegative())),
    requestId: z.optional(z.string()),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
