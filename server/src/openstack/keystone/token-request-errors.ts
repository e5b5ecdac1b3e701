import type { IdentityApiVersion } from '../../contract/common.js';
import {
  ForbiddenError,
  InvalidCredentialsError,
  InvalidInputError,
  TokenExpiredError,
  UpstreamError,
} from '../../platform/errors.js';
import { upstreamMessage, type UpstreamResponse } from '../openstack-fetch.js';

/** Maps the 4xx Keystone gives to a token request (401 is the same for every credential mistake). */
export function failTokenRequest(
  response: UpstreamResponse,
  version: IdentityApiVersion,
  rootUrl: string,
): never {
  const detail = upstreamMessage(response.body);
  switch (response.status) {
    case 401:
      throw new InvalidCredentialsError();
    case 400:
      throw new InvalidInputError(`Keystone rejected the request${detail ? `: ${detail}` : '.'}`);
    case 403:
      throw new ForbiddenError(detail ?? 'Keystone forbids this request.');
    case 404:
      throw new UpstreamError(
        `Keystone at ${rootUrl} has no v${version} token API (HTTP 404). Check auth_url and identity_api_version.`,
      );
    default:
      throw new UpstreamError(`Keystone answered the token request with HTTP ${response.status}.`);
  }
}

/** A call made with a token (catalog, projects): 401/404 mean the token is no longer good. */
export function failTokenAuthenticatedCall(response: UpstreamResponse, what: string): never {
  if (response.status === 401 || response.status === 404) throw new TokenExpiredError();
  if (response.status === 403)
    throw new ForbiddenError(upstreamMessage(response.body) ?? `Keystone forbids ${what}.`);
  throw new UpstreamError(`Keystone answered ${what} with HTTP ${response.status}.`);
}
