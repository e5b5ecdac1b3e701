import { TokenExpiredError, UpstreamError } from '../../platform/errors.js';
import { openstackFetch, parseUpstream, upstreamMessage, type UpstreamResponse } from '../openstack-fetch.js';
import type { TokenInspection } from './identity-client.js';
import { toIssuedToken, v3TokenBodySchema } from './keystone-v3-bodies.js';

/**
 * Keystone's word on a token: GET /v3/auth/tokens with the token in X-Subject-Token, asked with
 * the session's own token in X-Auth-Token
 * (https://docs.openstack.org/api-ref/identity/v3/#validate-and-show-information-for-token).
 *
 * What Keystone 22 answers (observed in the lab):
 * - 200 and the token body: accepted now. With `allow_expired=1` an expired token (within
 *   `[token] allow_expired_window`, 48 h by default) is answered too.
 * - 404 "Failed to validate token": expired or revoked. Only the allow_expired look-up tells them
 *   apart: an expired token is then answered, a revoked one never is.
 * - 404 "Could not recognize Fernet token" (or "Could not find token"): not a token of this Keystone.
 * - 403: its policy (identity:validate_token) lets a user validate their own tokens, admins more.
 * - 401: the X-Auth-Token (the session's own token) is no longer good.
 */
export async function inspectV3Token(
  rootUrl: string,
  timeoutMs: number,
  authToken: string,
  subjectToken: string,
  allowExpired: boolean,
): Promise<TokenInspection> {
  const validate = (withExpired: boolean) =>
    openstackFetch(`${rootUrl}/v3/auth/tokens${withExpired ? '?allow_expired=1' : ''}`, {
      service: 'Keystone',
      headers: { 'X-Auth-Token': authToken, 'X-Subject-Token': subjectToken },
      timeoutMs,
    });
  const tokens = [subjectToken, authToken];
  const now = await validate(false);
  if (now.status === 200) return readInspection(now);
  const notValidated = now.status === 404 && isFailedValidation(now);
  if (!notValidated || !allowExpired) return redactTokens(classifyRefusal(now, false), tokens);
  const withExpired = await validate(true);
  if (withExpired.status === 200) return readInspection(withExpired);
  return redactTokens(classifyRefusal(withExpired, true), tokens);
}

/**
 * Keystone's "Could not find token: <id>" names the token it was given: the answer must not carry
 * it (nor the session's own) back to the browser, so each is cut to its first characters. The
 * message reaches us already shortened (openstack-fetch keeps 300 characters), so a long token may
 * stand there only in part: any run of more than the preview's length that begins a token is cut.
 */
export function redactTokens(inspection: TokenInspection, tokens: string[]): TokenInspection {
  if (!('message' in inspection) || inspection.message === null) return inspection;
  let message = inspection.message;
  for (const token of tokens) message = redactToken(message, token);
  return { ...inspection, message };
}

function redactToken(message: string, token: string): string {
  const keep = Math.min(16, token.length >> 1);
  if (token.length === 0) return message;
  const start = token.slice(0, keep + 1);
  let result = '';
  let from = 0;
  for (let at = message.indexOf(start); at >= 0; at = message.indexOf(start, from)) {
    let end = at + start.length;
    while (end < message.length && end - at < token.length && message[end] === token[end - at]) end += 1;
    result += `${message.slice(from, at)}${token.slice(0, keep)}…`;
    from = end;
  }
  return result + message.slice(from);
}

/** Keystone's message for a token it decrypted but does not accept (expired or revoked). */
function isFailedValidation(response: UpstreamResponse): boolean {
  return /failed to validate token/i.test(upstreamMessage(response.body) ?? '');
}

function classifyRefusal(response: UpstreamResponse, askedWithExpired: boolean): TokenInspection {
  const message = upstreamMessage(response.body) ?? null;
  switch (response.status) {
    case 401:
      throw new TokenExpiredError();
    case 403:
      return { verdict: 'refused', message };
    case 404:
      if (!isFailedValidation(response)) return { verdict: 'unknown', message };
      return { verdict: askedWithExpired ? 'revoked' : 'not_accepted', message };
    case 400:
      return { verdict: 'unknown', message };
    default:
      throw new UpstreamError(`Keystone answered the token validation with HTTP ${response.status}.`);
  }
}

function readInspection(response: UpstreamResponse): TokenInspection {
  const body = parseUpstream(v3TokenBodySchema, response.body, 'Keystone', 'the token validation').token;
  const { catalog, ...token } = toIssuedToken(body);
  const dateHeader = response.headers.get('date');
  const keystoneTime = dateHeader && !Number.isNaN(Date.parse(dateHeader)) ? new Date(dateHeader) : null;
  // Keystone answers an expired token only when asked with allow_expired.
  const isExpired = token.expiresAt.getTime() <= (keystoneTime ?? new Date()).getTime();
  return {
    verdict: isExpired ? 'expired' : 'valid',
    token,
    keystoneTime,
    catalogSize: {
      services: catalog?.services.length ?? 0,
      endpoints: catalog?.services.reduce((sum, service) => sum + service.endpoints.length, 0) ?? 0,
    },
  };
}
