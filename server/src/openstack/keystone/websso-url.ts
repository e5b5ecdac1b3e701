/**
 * Keystone's WebSSO entry for a browser: with an identity provider named, its own URL; without,
 * the protocol's generic one (Keystone finds the provider from the assertion). `origin` is where
 * Keystone posts the token and must equal one of its `[federation] trusted_dashboard` values.
 * https://docs.openstack.org/api-ref/identity/v3-ext/#web-single-sign-on-authentication-new-in-version-1-2
 */
export function webSsoUrl(
  rootUrl: string,
  federation: { protocol: string; identityProvider: string | null },
  origin: string,
): string {
  const protocol = encodeURIComponent(federation.protocol);
  const path = federation.identityProvider
    ? `/v3/auth/OS-FEDERATION/identity_providers/${encodeURIComponent(federation.identityProvider)}/protocols/${protocol}/websso`
    : `/v3/auth/OS-FEDERATION/websso/${protocol}`;
  return `${rootUrl}${path}?origin=${encodeURIComponent(origin)}`;
}
