import type { ssoRefusals } from '../../contract/sso.js';
import { ForbiddenError } from '../../platform/errors.js';

/**
 * Why a single sign-on step was refused before Keystone was asked (403 forbidden). The login page
 * names the reason (`?sso_reason=`), so an operator can tell a slow round trip from a misconfigured
 * deployment (docs/decisions/0016-websso-callback-marker.md).
 */
/**
 * not_started: no marker, a forged one, or one older than 10 minutes (not this browser's own SSO
 * start); replayed: the marker was taken already (a second tab, a replay); foreign_origin: the
 * post's Origin is not the cloud's Keystone; cross_site_start: the start was not asked for by a
 * page of ours.
 */
export type SsoRefusal = (typeof ssoRefusals)[number];

const messages: Record<SsoRefusal, string> = {
  not_started:
    'This sign-in did not start in this browser, or took longer than 10 minutes. Start it again with "Sign in with SSO".',
  replayed: 'This single sign-on was completed already (another tab?). Start it again if you need to.',
  foreign_origin:
    'The token was not posted by this cloud\'s Keystone. Start the sign-in again with "Sign in with SSO".',
  cross_site_start: 'Single sign-on starts from the API Access login page only.',
};

export class SsoRefusedError extends ForbiddenError {
  constructor(readonly reason: SsoRefusal) {
    super(messages[reason]);
  }
}
