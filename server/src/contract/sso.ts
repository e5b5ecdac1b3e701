import * as z from 'zod/mini';

/**
 * POST /api/sso/callback: the form Keystone's WebSSO page auto-submits (its sso_callback_template),
 * `application/x-www-form-urlencoded`, one field `token`. A Fernet token is URL-safe base64 and a
 * few hundred characters; a JWS token has dots. Anything else is refused before Keystone is asked.
 */
export const ssoCallbackSchema = z.object({
  token: z
    .string()
    .check(
      z.minLength(20, 'is not a Keystone token'),
      z.maxLength(4096, 'is longer than any Keystone token'),
      z.regex(/^[A-Za-z0-9_.=-]+$/, 'is not a Keystone token'),
    ),
});
export type SsoCallbackForm = z.infer<typeof ssoCallbackSchema>;

/** `?sso_error=` on the login page after a failed SSO navigation: an error code of errors.ts. */
export const SSO_ERROR_PARAM = 'sso_error';

/** `?sso_reason=` beside `sso_error=forbidden`: which check refused it, before Keystone was asked. */
export const SSO_REASON_PARAM = 'sso_reason';
export const ssoRefusals = ['not_started', 'replayed', 'foreign_origin', 'cross_site_start'] as const;
