/// <reference types="node" />
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  buildCurlSnippet,
  buildExportSnippet,
  buildNetworksUrl,
  buildOpenstackSnippet,
  quoteForShell,
} from './snippets';

/** Let a real POSIX shell split the words, so quoting is proven, not just pattern-matched. */
function splitWithShell(command: string): string[] {
  const out = execFileSync(
    '/bin/sh',
    ['-c', `set -- ${command}; for a in "$@"; do printf '%s\\0' "$a"; done`],
    {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' },
    },
  );
  return out.split('\0').slice(0, -1);
}

const hostile = [
  `it's`,
  `a b  c`,
  `$HOME $(id) \`id\``,
  `"double" \\ back\\slash`,
  `'; rm -rf / #`,
  `pa$$word'"'`,
  '',
  'new\nline',
];

describe('quoteForShell', () => {
  it.each(hostile)('round-trips %j through /bin/sh unchanged', (value) => {
    expect(splitWithShell(quoteForShell(value))).toEqual([value]);
  });

  it("writes a single quote as '\\''", () => {
    expect(quoteForShell(`it's`)).toBe(`'it'\\''s'`);
  });
});

describe('buildNetworksUrl', () => {
  it.each([
    ['https://net.example:9696', 'https://net.example:9696/v2.0/networks'],
    ['https://net.example:9696/', 'https://net.example:9696/v2.0/networks'],
    ['https://net.example:9696/v2.0', 'https://net.example:9696/v2.0/networks'],
    ['https://net.example:9696/v2.0/', 'https://net.example:9696/v2.0/networks'],
    ['https://cloud.example/network//', 'https://cloud.example/network/v2.0/networks'],
  ])('%s -> %s', (input, expected) => {
    expect(buildNetworksUrl(input)).toBe(expected);
  });
});

describe('snippets with hostile values', () => {
  const token = `gAAA'$tok en"`;

  it('export assigns the exact token', () => {
    const out = execFileSync('/bin/sh', ['-c', `${buildExportSnippet(token)}; printf '%s' "$OS_TOKEN"`], {
      encoding: 'utf8',
    });
    expect(out).toBe(token);
  });

  it('curl gets the header and URL as single words', () => {
    const words = splitWithShell(buildCurlSnippet(token, `https://h:9696/a b/$x'/`));
    expect(words).toEqual([
      'curl',
      '-sS',
      '-H',
      `X-Auth-Token: ${token}`,
      '-H',
      'Accept: application/json',
      `https://h:9696/a b/$x'/v2.0/networks`,
    ]);
  });

  it('openstack passes token, auth url, project and region as single words', () => {
    const words = splitWithShell(
      buildOpenstackSnippet({
        token,
        authUrl: `https://keystone.example:5000/v3`,
        projectId: `p'1 $2`,
        regionName: 'Region One',
        interface: 'public',
        identityApiVersion: '3',
      }),
    );
    expect(words).toEqual([
      'openstack',
      '--os-auth-type',
      'token',
      '--os-token',
      token,
      '--os-auth-url',
      'https://keystone.example:5000/v3',
      '--os-identity-api-version',
      '3',
      '--os-project-id',
      `p'1 $2`,
      '--os-region-name',
      'Region One',
      '--os-interface',
      'public',
      'network',
      'list',
    ]);
  });

  it('openstack leaves out project and region when unknown', () => {
    const snippet = buildOpenstackSnippet({
      token: 't',
      authUrl: 'u',
      projectId: null,
      regionName: null,
      interface: 'internal',
      identityApiVersion: '2.0',
    });
    expect(snippet).not.toContain('--os-project-id');
    expect(snippet).not.toContain('--os-region-name');
  });
});
