import type { IdentityApiVersion } from '../contract/common.js';

/** Where a cloud's Keystone is and which of its APIs to speak: decided once, from clouds.yaml. */
export interface IdentityEndpoint {
  /** The auth URL without its version segment and trailing slash, e.g. http://h:5000 or https://h/identity. */
  rootUrl: string;
  version: IdentityApiVersion;
}

/**
 * Auth URLs come in many forms (`http://h:5000`, `.../v3`, `.../v3/`, `.../v2.0`, `:35357/v3`,
 * `https://h/identity/v3`). The version segment, when present, decides the API version unless
 * clouds.yaml says otherwise with identity_api_version.
 */
export function resolveIdentityEndpoint(
  authUrl: string,
  declared?: IdentityApiVersion | null,
): IdentityEndpoint {
  const trimmed = authUrl.trim().replace(/\/+$/, '');
  const match = /^(.*?)\/(v3|v2\.0)$/.exec(trimmed);
  const fromUrl: IdentityApiVersion | null = match ? (match[2] === 'v3' ? '3' : '2.0') : null;
  return { rootUrl: match ? match[1]! : trimmed, version: declared ?? fromUrl ?? '3' };
}
