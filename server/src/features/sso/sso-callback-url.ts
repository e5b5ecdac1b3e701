/**
 * The URL Keystone posts WebSSO tokens to: PUBLIC_URL + /api/sso/callback. Keystone compares it as
 * a string with its `[federation] trusted_dashboard` values, so the operator lists exactly this.
 */
export function ssoCallbackUrl(publicUrl: string): string {
  return new URL('/api/sso/callback', publicUrl).href;
}
