import { SSO_ERROR_PARAM, SSO_REASON_PARAM, ssoRefusals } from '@contract/sso';
import type { MessageKey } from './i18n/messages';

// The codes the BFF's SSO start and callback send a failed navigation back with (?sso_error=).
const ssoErrors = [
  'forbidden',
  'invalid_credentials',
  'not_found',
  'rate_limited',
  'upstream_unavailable',
  'upstream_error',
  'store_unavailable',
] as const;

/**
 * What to tell the operator after a single sign-on came back refused: the login page after a
 * sign-in, the API access page after a "Renew through SSO" (the earlier session still holds).
 * Null when the URL names no SSO failure.
 */
export function ssoErrorMessage(query: URLSearchParams): MessageKey | null {
  const reason = ssoRefusals.find((candidate) => candidate === query.get(SSO_REASON_PARAM));
  if (reason) return `sso.reason.${reason}`;
  const code = query.get(SSO_ERROR_PARAM);
  if (!code) return null;
  return `sso.error.${ssoErrors.find((known) => known === code) ?? 'other'}`;
}
