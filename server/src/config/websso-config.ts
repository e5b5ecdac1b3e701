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
