/// <reference types="node" />
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CloudSummary } from '@contract/clouds';
import { parseOpenrc } from '../login/openrc-parser';
import { buildCloudsYaml, buildOpenrc } from './config-files';

const cloud: CloudSummary = {
  name: `lab "one"`,
  authUrl: `http://127.0.0.1:5000/v3`,
  identityApiVersion: '3',
  interface: 'public',
  regions: ['RegionOne'],
  defaults: {},
};

const token = {
  user: { id: 'u1', name: `o'brien $USER`, domain: { id: 'default', name: 'Default' } },
  project: { id: 'p1', name: 'demo: "x"', domain: { id: 'default', name: 'Default' } },
  regionName: 'RegionOne',
  identityApiVersion: '3' as const,
};

describe('buildOpenrc', () => {
  const openrc = buildOpenrc({ cloud, token });

  it('round-trips through our own openrc parser and sets no password', () => {
    expect(parseOpenrc(openrc)).toEqual({
      authUrl: cloud.authUrl,
      identityApiVersion: '3',
      username: `o'brien $USER`,
      userDomainName: 'Default',
      projectId: 'p1',
      projectName: 'demo: "x"',
      projectDomainName: 'Default',
      regionName: 'RegionOne',
      interface: 'public',
    });
  });

  it('is valid shell that exports the exact values and asks for the password', () => {
    const out = execFileSync(
      '/bin/bash',
      ['-c', `eval "$(cat)"; printf '%s|%s|%s' "$OS_USERNAME" "$OS_PROJECT_NAME" "$OS_PASSWORD"`],
      {
        input: openrc.replace('read -sr OS_PASSWORD_INPUT', 'OS_PASSWORD_INPUT=typed'),
        encoding: 'utf8',
      },
    );
    expect(out.endsWith(`o'brien $USER|demo: "x"|typed`)).toBe(true);
  });

  it('uses tenant variables for identity v2.0', () => {
    const v2 = buildOpenrc({ cloud, token: { ...token, identityApiVersion: '2.0' } });
    expect(v2).toContain("export OS_TENANT_ID='p1'");
    expect(v2).not.toContain('OS_USER_DOMAIN_NAME');
  });
});

describe('buildCloudsYaml', () => {
  it('is YAML describing the cloud without secrets', () => {
    const text = buildCloudsYaml({ cloud, token });
    expect(parse(text)).toEqual({
      clouds: {
        [cloud.name]: {
          auth: {
            auth_url: cloud.authUrl,
            username: token.user.name,
            user_domain_name: 'Default',
            project_id: 'p1',
            project_name: 'demo: "x"',
            project_domain_name: 'Default',
          },
          region_name: 'RegionOne',
          interface: 'public',
          identity_api_version: '3',
        },
      },
    });
    expect(text).not.toMatch(/password:|token:/);
  });
});

// Every control character but the line feed that ends each line: C0, DEL and C1.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const rawControlCharacter = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('control characters in the generated files', () => {
  const hostileCloud: CloudSummary = { ...cloud, name: 'lab\u001b]0;owned\u0007\nnext' };
  const hostileToken = {
    user: {
      id: 'u1',
      name: "ev\u001b[2Jil\nuser ' $HOME `id` \\",
      domain: { id: 'd', name: 'Dom\u007fain\u0085' },
    },
    project: { id: 'p\u009b1', name: 'tab\there\r', domain: { id: 'default', name: 'Default' } },
    regionName: 'Region\u0000One',
    identityApiVersion: '3' as const,
  };

  it('openrc: bash reads back every value exactly, and the file holds no raw control character', () => {
    const openrc = buildOpenrc({ cloud: hostileCloud, token: { ...hostileToken, regionName: 'R\u0001' } });
    expect(openrc).not.toMatch(rawControlCharacter);
    // Each line is one line: a value's line feed cannot start a command of its own.
    expect(openrc.split('\n')).toHaveLength(buildOpenrc({ cloud, token }).split('\n').length);
    const variables = [
      'OS_USERNAME',
      'OS_USER_DOMAIN_NAME',
      'OS_PROJECT_ID',
      'OS_PROJECT_NAME',
      'OS_REGION_NAME',
    ];
    const out = execFileSync(
      '/bin/bash',
      ['-c', `eval "$(cat)"; printf '%s\\0' ${variables.map((name) => `"$${name}"`).join(' ')}`],
      {
        input: openrc.replace('read -sr OS_PASSWORD_INPUT', 'OS_PASSWORD_INPUT=typed'),
        encoding: 'utf8',
        env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' },
      },
    );
    const [prompt, ...rest] = out.split('Please enter your OpenStack password');
    expect(prompt).toBe('');
    const printed = rest.join('');
    // The prompt does not print a user name that would drive the terminal.
    expect(printed.slice(0, printed.indexOf('\n'))).not.toMatch(rawControlCharacter);
    expect(
      printed
        .slice(printed.indexOf('\n') + 1)
        .split('\0')
        .slice(0, -1),
    ).toEqual([
      hostileToken.user.name,
      hostileToken.user.domain.name,
      hostileToken.project.id,
      hostileToken.project.name,
      'R\u0001',
    ]);
  });

  it('openrc: our own openrc import reads the values back exactly', () => {
    const token = { ...hostileToken, regionName: 'R\u0001\u009b' };
    expect(parseOpenrc(buildOpenrc({ cloud: hostileCloud, token }))).toMatchObject({
      username: token.user.name,
      userDomainName: token.user.domain.name,
      projectId: token.project.id,
      projectName: token.project.name,
      regionName: token.regionName,
    });
  });

  it('openrc: refuses a NUL, which no shell variable can hold', () => {
    expect(() => buildOpenrc({ cloud, token: hostileToken })).toThrow(/NUL/);
  });

  it('clouds.yaml: a YAML parser reads back every value exactly, and the file holds no raw control character', () => {
    const token = { ...hostileToken, regionName: 'Region\u0000One\u2028\u0085' };
    const text = buildCloudsYaml({ cloud: hostileCloud, token });
    expect(text).not.toMatch(rawControlCharacter);
    expect(text).not.toMatch(/[\u2028\u2029]/); // line breaks to YAML 1.1 readers (PyYAML)
    expect(parse(text)).toEqual({
      clouds: {
        [hostileCloud.name]: {
          auth: {
            auth_url: cloud.authUrl,
            username: hostileToken.user.name,
            user_domain_name: hostileToken.user.domain.name,
            project_id: hostileToken.project.id,
            project_name: hostileToken.project.name,
            project_domain_name: 'Default',
          },
          region_name: token.regionName,
          interface: 'public',
          identity_api_version: '3',
        },
      },
    });
  });

  it.each(['file:///etc/keystone', 'ftp://k.example/v3', 'k.example:5000'])(
    'refuses an auth URL %j that is not http(s), in the openrc and in clouds.yaml',
    (authUrl) => {
      expect(() => buildOpenrc({ cloud: { ...cloud, authUrl }, token })).toThrow(/http\(s\)/);
      expect(() => buildCloudsYaml({ cloud: { ...cloud, authUrl }, token })).toThrow(/http\(s\)/);
    },
  );
});

describe('openrc and clouds.yaml for a domain or the system', () => {
  const unscopedToken = { ...token, project: null };

  it('sets OS_DOMAIN_ID / OS_DOMAIN_NAME and clears a project left in the shell', () => {
    const scope = { kind: 'domain' as const, domain: { id: 'default', name: 'Default' } };
    const openrc = buildOpenrc({ cloud, token: { ...unscopedToken, scope } });
    const env = execFileSync(
      '/bin/bash',
      [
        '-c',
        `source /dev/stdin <<< "$SCRIPT" >/dev/null; env | grep -E '^OS_(DOMAIN|PROJECT|SYSTEM)' | sort`,
      ],
      {
        encoding: 'utf8',
        input: '',
        env: { PATH: '/usr/bin:/bin', SCRIPT: openrc, OS_PROJECT_NAME: 'left-over', OS_SYSTEM_SCOPE: 'all' },
      },
    );
    expect(env.trim().split('\n')).toEqual(['OS_DOMAIN_ID=default', 'OS_DOMAIN_NAME=Default']);
    const yaml = parse(buildCloudsYaml({ cloud, token: { ...unscopedToken, scope } })) as {
      clouds: Record<string, { auth: Record<string, string> }>;
    };
    expect(yaml.clouds[cloud.name]!.auth).toMatchObject({ domain_id: 'default', domain_name: 'Default' });
    expect(yaml.clouds[cloud.name]!.auth.project_id).toBeUndefined();
  });

  it('sets OS_SYSTEM_SCOPE=all, and system_scope: all in clouds.yaml', () => {
    const scope = { kind: 'system' as const };
    const openrc = buildOpenrc({ cloud, token: { ...unscopedToken, scope } });
    expect(openrc).toContain('export OS_SYSTEM_SCOPE=all');
    expect(openrc).not.toContain('OS_PROJECT_ID=');
    const yaml = parse(buildCloudsYaml({ cloud, token: { ...unscopedToken, scope } })) as {
      clouds: Record<string, { auth: Record<string, string> }>;
    };
    expect(yaml.clouds[cloud.name]!.auth.system_scope).toBe('all');
  });
});
