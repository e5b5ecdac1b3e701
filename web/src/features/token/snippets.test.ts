/// <reference types="node" />
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { quoteForShell } from '../../lib/generated-text';
import { buildCurlSnippet, buildExportSnippet, buildNetworksUrl, buildOpenstackSnippet } from './snippets';

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
];

describe('quoteForShell', () => {
  // Without control characters a value stays in POSIX single quotes: any sh reads it.
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
      '--url',
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
      authUrl: 'https://keystone.example/v3',
      projectId: null,
      regionName: null,
      interface: 'internal',
      identityApiVersion: '2.0',
    });
    expect(snippet).not.toContain('--os-project-id');
    expect(snippet).not.toContain('--os-region-name');
  });
});

// Every control character: C0 (tab and line feed included), DEL and C1.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const rawControlCharacter = /[\u0000-\u001f\u007f-\u009f]/;

/** Run the generated `export OS_TOKEN=…` in a real bash (C locale: no help from UTF-8) and read it back. */
function exportThroughBash(snippet: string): string {
  return execFileSync('/bin/bash', ['-c', `${snippet}; printf '%s' "$OS_TOKEN"`], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' },
  });
}

describe('control characters in snippets', () => {
  const values = [
    'line\nfeed',
    'esc \u001b[2J\u001b]0;title\u0007 sequences',
    'del\u007f and c1 \u0085 \u009b31m csi',
    "quote ' dollar $HOME $(id) backtick `id` backslash \\ \\x41",
    'tab\tcr\r bell\u0007 backspace\b vertical\u000b form\u000c',
    'не ASCII: Регион \u2028 ✓',
    '\u0001\u001f\u007f\u0080\u009f',
  ];

  it.each(values)('export quotes %j so that bash reads it back unchanged', (value) => {
    const snippet = buildExportSnippet(value);
    expect(snippet).not.toMatch(rawControlCharacter);
    expect(exportThroughBash(snippet)).toBe(value);
  });

  it('refuses a NUL, which no shell variable can hold', () => {
    expect(() => buildExportSnippet('a\u0000b')).toThrow(/NUL/);
  });

  it('writes no control character into the curl and openstack snippets either', () => {
    const token = 'tok\u001b[31m\n';
    const curl = buildCurlSnippet(token, 'https://net.example:9696');
    expect(curl).not.toMatch(rawControlCharacter);
    expect(splitWithBash(curl)[3]).toBe(`X-Auth-Token: ${token}`);
    const openstack = buildOpenstackSnippet({
      token,
      authUrl: 'https://keystone.example/v3',
      projectId: 'p\u009b1',
      regionName: 'Region\u007fOne',
      interface: 'public',
      identityApiVersion: '3',
    });
    expect(openstack).not.toMatch(rawControlCharacter);
    expect(splitWithBash(openstack)).toEqual(expect.arrayContaining([token, 'p\u009b1', 'Region\u007fOne']));
  });
});

describe('URLs in snippets', () => {
  it('passes the URL to curl with --url, so it can never be read as an option', () => {
    expect(splitWithBash(buildCurlSnippet('t', 'https://net.example:9696')).slice(-2)).toEqual([
      '--url',
      'https://net.example:9696/v2.0/networks',
    ]);
  });

  it.each([
    'file:///etc/passwd',
    '-K/etc/passwd',
    'ftp://net.example/',
    'javascript:alert(1)',
    'net.example:9696',
    'https://net.example\n/evil',
    '',
  ])('refuses to build curl for %j, which is not an http(s) URL', (url) => {
    expect(() => buildCurlSnippet('t', url)).toThrow(/http\(s\)/);
  });

  it('refuses to build the openstack snippet for an auth URL that is not http(s)', () => {
    const input = {
      token: 't',
      authUrl: 'file:///etc/keystone',
      projectId: null,
      regionName: null,
      interface: 'public',
      identityApiVersion: '3',
    };
    expect(() => buildOpenstackSnippet(input)).toThrow(/http\(s\)/);
    expect(() => buildOpenstackSnippet({ ...input, authUrl: 'HTTP://k.example:5000/v3' })).not.toThrow();
  });
});

/** As splitWithShell, with bash: the ANSI-C quoting ($'…') of control characters is bash's. */
function splitWithBash(command: string): string[] {
  const out = execFileSync(
    '/bin/bash',
    ['-c', `set -- ${command}; for a in "$@"; do printf '%s\\0' "$a"; done`],
    { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent', LC_ALL: 'C' } },
  );
  return out.split('\0').slice(0, -1);
}

describe('openstack CLI snippet per scope', () => {
  const input = {
    token: 'tok',
    authUrl: 'http://127.0.0.1:5000/v3',
    projectId: null,
    regionName: 'RegionOne',
    interface: 'public',
    identityApiVersion: '3',
  };

  it('uses --os-system-scope all and lists regions for a system token', () => {
    const words = splitWithShell(buildOpenstackSnippet({ ...input, isSystemScope: true }));
    expect(words).toContain('--os-system-scope');
    expect(words.slice(-2)).toEqual(['region', 'list']);
    expect(words).not.toContain('--os-project-id');
  });

  it('uses --os-domain-id and lists projects for a domain token', () => {
    const words = splitWithShell(buildOpenstackSnippet({ ...input, domainId: `d'1` }));
    expect(words[words.indexOf('--os-domain-id') + 1]).toBe(`d'1`);
    expect(words.slice(-2)).toEqual(['project', 'list']);
  });
});
