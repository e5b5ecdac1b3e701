import type { TokenScopeInfo } from '@contract/session';
import { quoteForShell, requireHttpUrl, UnsafeTextError } from '../../lib/generated-text';

/**
 * More "copy as": a Terraform provider block, an openstacksdk (Python) script and the OS_CLOUD
 * way with the downloaded clouds.yaml. Each fits the token's scope and runs as pasted; every value
 * is quoted for the language it lands in, and URLs must be http(s).
 */

export interface ScopedSnippetInput {
  token: string;
  authUrl: string;
  scope: TokenScopeInfo;
  regionName: string | null;
  interface: string;
}

const hex4 = (code: number) => code.toString(16).toUpperCase().padStart(4, '0');

/**
 * An HCL quoted template holding exactly `value`
 * (https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences):
 * `\` and `"` escaped, control characters as \n, \r, \t or \uNNNN, and the template openers
 * `${` and `%{` doubled so Terraform does not interpolate them.
 */
export function quoteForHcl(value: string): string {
  const escaped = value
    .replaceAll('\\', '\\\\')
    .replaceAll('"', '\\"')
    // A function, not a replacement string: in one, `$$` would mean a single `$`.
    .replaceAll('${', () => '$${')
    .replaceAll('%{', () => '%%{')
    // eslint-disable-next-line no-control-regex -- escaping control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
      if (ch === '\n') return '\\n';
      if (ch === '\r') return '\\r';
      if (ch === '\t') return '\\t';
      return `\\u${hex4(ch.charCodeAt(0))}`;
    });
  return `"${escaped}"`;
}

/**
 * A Python string literal holding exactly `value`: JSON's double-quoted strings are valid Python
 * literals with the same meaning (\", \\, \n, \uXXXX); U+2028/U+2029, which JSON leaves raw, are
 * escaped too so the line stays one line in every editor.
 */
export function quoteForPython(value: string): string {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (ch) => `\\u${hex4(ch.charCodeAt(0))}`);
}

/**
 * The arguments this block may use, all from the provider's documented list
 * (https://registry.terraform.io/providers/terraform-provider-openstack/openstack/latest/docs,
 * "Configuration Reference"); terraform-provider-arguments.test.ts holds that list.
 */
export const terraformArgumentsUsed = [
  'auth_url',
  'token',
  'tenant_id',
  'domain_id',
  'system_scope',
  'region',
  'endpoint_type',
] as const;
type TerraformArgument = (typeof terraformArgumentsUsed)[number];

/**
 * `provider "openstack"` with the token: Terraform (gophercloud) re-scopes it with the token
 * method to the project (`tenant_id`), the domain (`domain_id`) or the system (`system_scope`).
 */
export function buildTerraformProvider(input: ScopedSnippetInput): string {
  const args: [TerraformArgument, string][] = [
    ['auth_url', quoteForHcl(requireHttpUrl(input.authUrl, 'The auth URL'))],
    ['token', quoteForHcl(input.token)],
  ];
  const { scope } = input;
  if (scope.kind === 'project') args.push(['tenant_id', quoteForHcl(scope.project.id)]);
  if (scope.kind === 'domain') args.push(['domain_id', quoteForHcl(scope.domain.id)]);
  if (scope.kind === 'system') args.push(['system_scope', 'true']);
  if (input.regionName) args.push(['region', quoteForHcl(input.regionName)]);
  args.push(['endpoint_type', quoteForHcl(input.interface)]);
  const width = Math.max(...args.map(([name]) => name.length));
  return [
    'provider "openstack" {',
    ...args.map(([name, value]) => `  ${name.padEnd(width)} = ${value}`),
    '}',
    '',
  ].join('\n');
}

/** What each scope can list: networks live in projects, a domain holds projects, the system regions. */
function listingFor(scope: TokenScopeInfo): { python: string[]; cli: string } {
  if (scope.kind === 'system')
    return { python: ['for region in conn.identity.regions():', '    print(region.id)'], cli: 'region list' };
  if (scope.kind === 'domain')
    return {
      python: ['for project in conn.identity.projects():', '    print(project.name)'],
      cli: 'project list',
    };
  return {
    python: ['for network in conn.network.networks():', '    print(network.name)'],
    cli: 'network list',
  };
}

/**
 * A Python script for openstacksdk (https://docs.openstack.org/openstacksdk/latest/user/connection.html)
 * with keystoneauth's `token` plugin. No clouds.yaml and no OS_* variables are read, so what runs
 * is exactly what is shown, whatever the shell around it holds.
 */
export function buildOpenstacksdkSnippet(input: ScopedSnippetInput): string {
  const q = quoteForPython;
  const auth: [string, string][] = [
    ['auth_url', q(requireHttpUrl(input.authUrl, 'The auth URL'))],
    ['token', q(input.token)],
  ];
  const { scope } = input;
  if (scope.kind === 'project') auth.push(['project_id', q(scope.project.id)]);
  if (scope.kind === 'domain') auth.push(['domain_id', q(scope.domain.id)]);
  if (scope.kind === 'system') auth.push(['system_scope', q('all')]);
  return [
    'import openstack',
    '',
    'conn = openstack.connect(',
    '    load_yaml_config=False,',
    '    load_envvars=False,',
    `    auth_type=${q('token')},`,
    '    auth={',
    ...auth.map(([key, value]) => `        ${q(key)}: ${value},`),
    '    },',
    ...(input.regionName ? [`    region_name=${q(input.regionName)},`] : []),
    `    interface=${q(input.interface)},`,
    `    identity_api_version=${q('3')},`,
    ')',
    ...listingFor(scope).python,
    '',
  ].join('\n');
}

/**
 * The downloaded clouds.yaml by name: openstack (and openstacksdk) read OS_CLIENT_CONFIG_FILE and
 * OS_CLOUD (https://docs.openstack.org/openstacksdk/latest/user/config/configuration.html) and ask
 * for the password, which the file does not hold. Run in the folder the file was saved to.
 */
export function buildOsCloudUsage(cloudName: string, scope: TokenScopeInfo): string {
  if (cloudName.includes('\u0000')) throw new UnsafeTextError('nul_character', 'The cloud name');
  return [
    'export OS_CLIENT_CONFIG_FILE="$PWD/clouds.yaml"',
    `export OS_CLOUD=${quoteForShell(cloudName, 'The cloud name')}`,
    `openstack ${listingFor(scope).cli}`,
  ].join('\n');
}
