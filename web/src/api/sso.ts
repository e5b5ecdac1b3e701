/**
 * Where "Sign in with SSO" and "Renew through SSO" go: the BFF's start, which sends the browser on
 * to Keystone's WebSSO page. A top-level navigation on purpose: the identity provider's module in
 * front of Keystone answers fetches and iframes with 401 instead of its login page.
 */
export function ssoStartUrl(cloud: string): string {
  return `/api/sso/${encodeURIComponent(cloud)}/start`;
}
