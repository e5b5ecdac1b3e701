import { z } from 'zod';
import type { IdentityApiVersion } from '../contract/common.js';

/**
 * Keystone federation's browser sign-in: the BFF sends the browser to Keystone's `…/websso` URL for
 * this protocol (and identity provider, when named), and Keystone posts the token back
 * (https://docs.openstack.org/keystone/latest/admin/federation/configure_federation.html#configuring-horizon-as-a-websso-frontend).
 */
export interface WebSsoConfig {
  protocol: string;
  /** Null: Keystone finds the identity provider itself (its `remote_id_attribute`). */
  identityProvider: string | null;
  /** "Sign in with ‹label›". */
  label: string;
}

/** An identity provider or protocol id: it goes into Keystone's URL path. */
export const federationIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores');

/** `api_access.websso` as clouds.yaml gives it (validated by the clouds.yaml schema). */
export interface WebSsoEntry {
  protocol?: string | undefined;
  identity_provider?: string | undefined;
  label?: string | undefined;
}

/**
 * WebSSO from `auth_type: v3websso` (its `auth.protocol`, `auth.identity_provider`) or from
 * `api_access.websso` beside another way in. Federation is a v3 API.
 */
export function readWebSso(
  auth: { protocol?: string | undefined; identity_provider?: string | undefined },
  extra: WebSsoEntry | undefined,
  isWebSsoOnly: boolean,
  version: IdentityApiVersion,
): WebSsoConfig | undefined {
  if (!isWebSsoOnly && !extra) return undefined;
  if (version !== '3') throw new Error('WebSSO needs Keystone v3 (identity_api_version 3)');
  const protocol = extra?.protocol ?? auth.protocol;
  if (!protocol) {
    throw new Error(
      isWebSsoOnly
        ? 'auth.protocol is required with auth_type v3websso (e.g. openid)'
        : 'api_access.websso.protocol is required (e.g. openid)',
    );
  }
  const parsedProtocol = federationIdSchema.safeParse(protocol);
  if (!parsedProtocol.success) throw new Error(`protocol ${parsedProtocol.error.issues[0]!.message}`);
  const idp = extra?.identity_provider ?? auth.identity_provider ?? null;
  const parsedIdp = idp === null ? null : federationIdSchema.safeParse(idp);
  if (parsedIdp && !parsedIdp.success)
    throw new Error(`identity_provider ${parsedIdp.error.issues[0]!.message}`);
  return {
    protocol: parsedProtocol.data,
    identityProvider: parsedIdp ? parsedIdp.data : null,
    label: extra?.label ?? 'SSO',
  };
}

/**
 * What in the deployment would make single sign-on fail for every operator, said at start (the
 * callback can only answer "did not start in this browser" once it happens). Keystone posts the
 * token cross-site unless it shares the BFF's site; only a SameSite=None marker crosses, and
 * browsers keep SameSite=None cookies only with Secure (docs/decisions/0016-websso-callback-marker.md).
 */
export function webSsoDeploymentWarnings(
  publicUrl: string,
  secureCookies: boolean,
  clouds: readonly { name: string; authUrl: string; websso?: WebSsoConfig | undefined }[],
): string[] {
  const ssoClouds = clouds.filter((cloud) => cloud.websso);
  if (ssoClouds.length === 0) return [];
  const publicOrigin = new URL(publicUrl);
  const warnings: string[] = [];
  if (publicOrigin.protocol === 'https:' && !secureCookies)
    warnings.push(
      'PUBLIC_URL is https but SECURE_COOKIES is off: the single sign-on marker is then SameSite=Lax and cannot come back with the post of a Keystone on another site. Set SECURE_COOKIES=true.',
    );
  if (publicOrigin.protocol === 'http:' && secureCookies)
    warnings.push(
      `SECURE_COOKIES is on but PUBLIC_URL is ${publicOrigin.origin}: Keystone would post to an http callback whose Secure cookies the browser keeps only over https. Set PUBLIC_URL to the https origin browsers use.`,
    );
  if (!secureCookies) {
    for (const cloud of ssoClouds) {
      if (siteOf(new URL(cloud.authUrl).hostname) !== siteOf(publicOrigin.hostname))
        warnings.push(
          `cloud "${cloud.name}": its Keystone (${new URL(cloud.authUrl).host}) is on another site than PUBLIC_URL (${publicOrigin.host}); without SECURE_COOKIES=true behind https its single sign-on cannot complete.`,
        );
    }
  }
  return warnings;
}

/**
 * A host's site, approximately: an address, or its last two labels (no public suffix list here, so
 * example.co.uk hosts all look alike; the warning is advice, not a check that refuses).
 */
function siteOf(hostname: string): string {
  if (/^[\d.]+$/.test(hostname) || hostname.includes(':') || hostname.startsWith('[')) return hostname;
  return hostname.split('.').slice(-2).join('.');
}
