import type { CredentialsUnavailable } from '../../contract/credentials.js';
import {
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  TokenExpiredError,
  UpstreamError,
} from '../../platform/errors.js';
import { upstreamMessage, type UpstreamResponse } from '../openstack-fetch.js';

/**
 * The cloud refuses a credentials API: Keystone answered 403 (policy), 404 (no such API) or 501
 * (not implemented, as NHN's v2.0 Keystone does for calls it does not offer). An answer of 403 to
 * the operator; a list turns it into the section's `unavailable` reason instead.
 */
export class CredentialsApiRefusedError extends ForbiddenError {
  constructor(
    readonly reason: CredentialsUnavailable['reason'],
    message: string,
  ) {
    super(message);
  }
}

/** The identity API version cannot do this at all (application credentials on v2.0): a 400 naming the field. */
export class CredentialsNotInVersionError extends InvalidInputError {
  readonly reason = 'identity_v2' as const;
}

/**
 * Maps Keystone's answer to a credentials call. 401: the token is no longer good (the caller's
 * withToken renews once and retries). 404 on a call about one credential: that credential is
 * gone; on a list or a creation: the API itself is missing.
 */
export function failCredentialsCall(response: UpstreamResponse, what: string, isAboutOne = false): never {
  const detail = upstreamMessage(response.body);
  switch (response.status) {
    case 400:
      throw new InvalidInputError(`Keystone rejected ${what}${detail ? `: ${detail}` : '.'}`);
    case 401:
      throw new TokenExpiredError();
    case 403:
      throw new CredentialsApiRefusedError('forbidden', detail ?? `Keystone forbids ${what}.`);
    case 404:
      if (isAboutOne) throw new NotFoundError(detail ?? `Keystone knows no such credential (${what}).`);
      throw new CredentialsApiRefusedError('not_found', `Keystone has no API for ${what} here (HTTP 404).`);
    case 409:
      throw new InvalidInputError(
        `Keystone refused ${what}${detail ? `: ${detail}` : ': it conflicts with one that exists.'}`,
        {
          name: 'is already taken',
        },
      );
    case 501:
      throw new CredentialsApiRefusedError(
        'not_implemented',
        `Keystone does not implement ${what} (HTTP 501).`,
      );
    default:
      throw new UpstreamError(`Keystone answered ${what} with HTTP ${response.status}.`);
  }
}
