/// <reference types="node" />
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { TokenScopeInfo } from '@contract/session';
import {
  buildOpenstacksdkSnippet,
  buildOsCloudUsage,
  buildTerraformProvider,
  quoteForHcl,
  quoteForPython,
  terraformArgumentsUsed,
} from './more-snippets';

/**
 * The provider's documented arguments, as the Configuration Reference lists them:
 * https://registry.terraform.io/providers/terraform-provider-openstack/openstack/latest/docs
 * (source: terraform-provider-openstack/terraform-provider-openstack, docs/index.md).
 * There is no Terraform binary here: the names are checked against this list instead.
 */
const documentedProviderArguments = new Set([
  'auth_url',
  'cloud',
  'region',
  'user_name',
  'user_id',
  'application_credential_id',
  'application_credential_name',
  'application_credential_secret',
  'tenant_id',
  'tenant_name',
  'password',
  'token',
  'user_domain_name',
  'user_domain_id',
  'project_domain_name',
  'project_domain_id',
  'domain_id',
  'domain_name',
  'default_domain',
  'system_scope',
  'insecure',
  'cacert_file',
  'cert',
  'key',
  'endpoint_type',
  'endpoint_overrides',
  'swauth',
  'use_mutex',
  'disable_no_cache_header',
  'delayed_auth',
  'allow_reauth',
  'max_retries',
  'enable_logging',
]);

const project: TokenScopeInfo = {
  kind: 'project',
  project: { id: 'p1', name: 'demo', domain: { id: 'default', name: 'Default' } },
};
const domain: TokenScopeInfo = { kind: 'domain', domain: { id: 'default', name: 'Default' } };
const system: TokenScopeInfo = { kind: 'system' };
const base = {
  token: 'gAAAA-token',
  authUrl: 'http://127.0.0.1:5000/v3',
  regionName: 'RegionOne',
  interface: 'public',
};

const python = (args: string[], input: string) =>
  execFileSync('/usr/bin/python3', args, { input, encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });

describe('the Terraform provider block', () => {
  it('uses only argument names from the provider documentation', () => {
    for (const name of terraformArgumentsUsed) expect(documentedProviderArguments).toContain(name);
    for (const scope of [project, domain, system]) {
      const block = buildTerraformProvider({ ...base, scope });
      const names = [...block.matchAll(/^\s+([a-z_]+)\s+=/gm)].map((match) => match[1]);
      expect(names.length).toBeGreaterThan(3);
      for (const name of names) expect(documentedProviderArguments, name).toContain(name);
    }
  });

  it('scopes by tenant_id, domain_id or system_scope', () => {
    expect(buildTerraformProvider({ ...base, scope: project })).toBe(
      [
        'provider "openstack" {',
        '  auth_url      = "http://127.0.0.1:5000/v3"',
        '  token         = "gAAAA-token"',
        '  tenant_id     = "p1"',
        '  region        = "RegionOne"',
        '  endpoint_type = "public"',
        '}',
        '',
      ].join('\n'),
    );
    expect(buildTerraformProvider({ ...base, scope: domain })).toContain('domain_id     = "default"');
    expect(buildTerraformProvider({ ...base, scope: system })).toContain('system_scope  = true');
  });

  it('escapes quotes, backslashes, control characters and template openers', () => {
    expect(quoteForHcl('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(quoteForHcl('${var.x} %{if}')).toBe('"$${var.x} %%{if}"');
    expect(quoteForHcl('line\nbreak\u001b')).toBe('"line\\nbreak\\u001B"');
    expect(buildTerraformProvider({ ...base, regionName: 'r"\n}', scope: system })).not.toMatch(/r"\n/);
  });
});

describe('the openstacksdk snippet', () => {
  it('is valid Python for every scope, with hostile values kept exact', () => {
    const hostile = `it's "x" \\ \n\u2028 ${'${'} é`;
    for (const scope of [project, domain, system]) {
      const script = buildOpenstacksdkSnippet({ ...base, token: hostile, regionName: hostile, scope });
      python(['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], script);
    }
    expect(
      python(
        ['-c', 'import ast, sys; print(ast.literal_eval(sys.stdin.read()), end="")'],
        quoteForPython(hostile),
      ),
    ).toBe(hostile);
  });

  it('reads neither clouds.yaml nor OS_* variables, and lists what the scope holds', () => {
    const script = buildOpenstacksdkSnippet({ ...base, scope: system });
    expect(script).toContain('load_envvars=False');
    expect(script).toContain('"system_scope": "all"');
    expect(script).toContain('conn.identity.regions()');
    expect(buildOpenstacksdkSnippet({ ...base, scope: domain })).toContain('"domain_id": "default"');
    expect(buildOpenstacksdkSnippet({ ...base, scope: project })).toContain('conn.network.networks()');
  });
});

describe('OS_CLOUD usage', () => {
  it('names the downloaded clouds.yaml and the cloud, quoted for the shell', () => {
    const usage = buildOsCloudUsage(`lab 'one'`, system);
    const out = execFileSync(
      '/bin/sh',
      [
        '-c',
        `${usage.split('\n').slice(0, 2).join('; ')}; printf '%s|%s' "$OS_CLIENT_CONFIG_FILE" "$OS_CLOUD"`,
      ],
      {
        encoding: 'utf8',
        cwd: '/tmp',
        env: { PATH: '/usr/bin:/bin', PWD: '/tmp' },
      },
    );
    expect(out).toBe(`/tmp/clouds.yaml|lab 'one'`);
    expect(usage.split('\n').at(-1)).toBe('openstack region list');
  });
});
