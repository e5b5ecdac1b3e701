import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  buildAppCredentialCloudsYaml,
  buildAppCredentialDotenv,
  buildAppCredentialOpenrc,
  buildAwsConfig,
  buildAwsCredentials,
  buildRcloneRemote,
  buildTerraformProvider,
  findS3Endpoint,
  quoteForHcl,
  tryBuild,
} from './credential-files';

const cloud = { name: 'lab', authUrl: 'http://127.0.0.1:5000/v3', interface: 'public' as const };
const hostile = `it's "odd" $(rm -rf ~) \`x\` \\ \${var} %{x}`;
const input = { cloud, regionName: 'RegionOne', id: 'abc123', secret: hostile };

describe('application credential files', () => {
  it('clouds.yaml: auth_type v3applicationcredential with id and secret, exact after parsing', () => {
    const parsed = parse(buildAppCredentialCloudsYaml(input)) as any;
    expect(parsed.clouds.lab).toEqual({
      auth_type: 'v3applicationcredential',
      auth: {
        auth_url: 'http://127.0.0.1:5000/v3',
        application_credential_id: 'abc123',
        application_credential_secret: hostile,
      },
      region_name: 'RegionOne',
      interface: 'public',
      identity_api_version: 3,
    });
  });

  it('openrc: bash gets exactly the values, and no password variable survives', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'openrc-')), 'openrc.sh');
    fs.writeFileSync(file, buildAppCredentialOpenrc(input));
    const output = execFileSync(
      'bash',
      [
        '-c',
        `export OS_PASSWORD=old; source "$0"; printf '%s\\n' "$OS_AUTH_TYPE" "$OS_APPLICATION_CREDENTIAL_SECRET" "\${OS_PASSWORD-unset}"`,
        file,
      ],
      { encoding: 'utf8' },
    );
    expect(output).toBe(`v3applicationcredential\n${hostile}\nunset\n`);
  });

  it('.env: single-quoted literal values; a value with a quote is refused, not mangled', () => {
    const plain = buildAppCredentialDotenv({ ...input, secret: 'S3cr3t-$HOME_x' });
    expect(plain).toContain("OS_APPLICATION_CREDENTIAL_SECRET='S3cr3t-$HOME_x'");
    expect(plain).toContain("OS_AUTH_TYPE='v3applicationcredential'");
    expect(tryBuild(() => buildAppCredentialDotenv(input))).toEqual({
      text: null,
      refusal: 'control_character',
    });
  });

  it('Terraform: the provider documentation argument names, HCL-escaped values, no template sequences', () => {
    const text = buildTerraformProvider(input);
    expect(text).toMatch(/^provider "openstack" \{$/m);
    for (const name of [
      'auth_url',
      'region',
      'endpoint_type',
      'application_credential_id',
      'application_credential_secret',
    ])
      expect(text).toMatch(new RegExp(`^  ${name} +=`, 'm'));
    expect(quoteForHcl('a"b\\c${d}%{e}\n')).toBe('"a\\"b\\\\c$${d}%%{e}\\u000A"');
  });

  it('refuses an auth URL that is not http(s)', () => {
    const bad = { ...input, cloud: { ...cloud, authUrl: 'file:///etc/passwd' } };
    expect(tryBuild(() => buildAppCredentialCloudsYaml(bad)).refusal).toBe('not_http_url');
  });
});

describe('EC2 files', () => {
  const ec2 = {
    cloudName: 'my lab',
    regionName: 'RegionOne',
    access: 'AK1',
    secret: 'SK1',
    s3Endpoint: 'https://s3.example',
  };

  it('AWS credentials and config share a profile, with the catalog S3 endpoint', () => {
    expect(buildAwsCredentials(ec2)).toContain(
      '[openstack-my-lab]\naws_access_key_id = AK1\naws_secret_access_key = SK1\n',
    );
    const config = buildAwsConfig(ec2);
    expect(config).toContain('[profile openstack-my-lab]');
    expect(config).toContain('endpoint_url = https://s3.example');
    expect(config).toContain('addressing_style = path');
  });

  it('rclone remote; without an S3 endpoint the files say to fill it in', () => {
    expect(buildRcloneRemote(ec2)).toContain(
      'type = s3\nprovider = Other\nenv_auth = false\naccess_key_id = AK1\nsecret_access_key = SK1\n',
    );
    expect(buildRcloneRemote({ ...ec2, s3Endpoint: null })).toMatch(/names no S3 endpoint/);
    expect(buildAwsConfig({ ...ec2, s3Endpoint: null })).toMatch(/# endpoint_url = https:\/\//);
    expect(tryBuild(() => buildAwsCredentials({ ...ec2, secret: 'a\nb' })).refusal).toBe('control_character');
  });

  it('finds the S3 endpoint: type s3, or an object store named for S3; plain Swift is not S3', () => {
    const endpoint = (url: string) => [{ interface: 'public' as const, region: 'RegionOne', url }];
    const swift = {
      type: 'object-store',
      name: 'swift',
      endpoints: endpoint('https://swift.example/v1/AUTH_x'),
    };
    expect(findS3Endpoint({ services: [swift], regions: ['RegionOne'] }, 'RegionOne', 'public')).toBeNull();
    const s3api = { type: 'object-store', name: 'swift_s3', endpoints: endpoint('https://s3api.example') };
    expect(findS3Endpoint({ services: [swift, s3api], regions: ['RegionOne'] }, 'RegionOne', 'public')).toBe(
      'https://s3api.example',
    );
    const s3 = { type: 's3', name: 'ceph', endpoints: endpoint('https://s3.example') };
    expect(findS3Endpoint({ services: [s3api, s3], regions: ['RegionOne'] }, 'RegionOne', 'public')).toBe(
      'https://s3.example',
    );
  });
});
