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
