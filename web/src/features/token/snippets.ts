import { quoteForShell, requireHttpUrl } from '../../lib/generated-text';

// "Copy as" snippets for bash. Every value goes through quoteForShell (generated-text.ts); URLs
// must be http(s), or the snippet is not built.

/**
 * Join Neutron's list path onto a catalog endpoint. Catalogs publish the network endpoint with or
 * without the version and with or without a trailing slash (`https://h:9696`, `.../v2.0/`); the
 * API lives under /v2.0 (https://docs.openstack.org/api-ref/network/v2/#list-networks).
 */
export function buildNetworksUrl(endpointUrl: string): string {
  const base = endpointUrl.trim().replace(/\/+$/, '');
  return /\/v2\.0$/.test(base) ? `${base}/networks` : `${base}/v2.0/networks`;
}

export function buildExportSnippet(token: string): string {
  return `export OS_TOKEN=${quoteForShell(token, 'The token')}`;
}

/** `--url` names the URL as such: curl never reads it as an option, whatever it starts with. */
export function buildCurlSnippet(token: string, networkEndpointUrl: string): string {
  const url = requireHttpUrl(networkEndpointUrl, 'The network endpoint');
  return [
    'curl -sS',
    `-H ${quoteForShell(`X-Auth-Token: ${token}`, 'The token')}`,
    `-H ${quoteForShell('Accept: application/json')}`,
    `--url ${quoteForShell(buildNetworksUrl(url))}`,
  ].join(' ');
}

export interface OpenstackSnippetInput {
  token: string;
  authUrl: string;
  projectId: string | null;
  /** A domain-scoped token: `--os-domain-id` (and the command lists the domain's projects). */
  domainId?: string | null | undefined;
  /** A system-scoped token: `--os-system-scope all` (and the command lists the regions). */
  isSystemScope?: boolean | undefined;
  regionName: string | null;
  interface: string;
  identityApiVersion: string;
}

/**
 * The `token` auth plugin re-authenticates with the token method, so it needs the scope: the
 * project, the domain or the system
 * (https://docs.openstack.org/api-ref/identity/v3/#token-authentication-with-scoped-authorization).
 * The command fits the scope: networks live in projects, a domain holds projects, the system regions.
 */
export function buildOpenstackSnippet(input: OpenstackSnippetInput): string {
  const parts = [
    'openstack',
    '--os-auth-type token',
    `--os-token ${quoteForShell(input.token, 'The token')}`,
    `--os-auth-url ${quoteForShell(requireHttpUrl(input.authUrl, 'The auth URL'))}`,
    `--os-identity-api-version ${quoteForShell(input.identityApiVersion)}`,
  ];
  let command = 'network list';
  if (input.isSystemScope) {
    parts.push('--os-system-scope all');
    command = 'region list';
  } else if (input.domainId) {
    parts.push(`--os-domain-id ${quoteForShell(input.domainId)}`);
    command = 'project list';
  } else if (input.projectId) {
    parts.push(`--os-project-id ${quoteForShell(input.projectId)}`);
  }
  if (input.regionName) parts.push(`--os-region-name ${quoteForShell(input.regionName)}`);
  parts.push(`--os-interface ${quoteForShell(input.interface)}`, command);
  return parts.join(' ');
}
