/// <reference types="node" />
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { looksLikeOpenrc } from './looks-like-openrc';
import { detectCredentialKind, normalizeAuthUrl, parseOpenrc } from './openrc-parser';

const horizonV3 = `#!/usr/bin/env bash
# To use an OpenStack cloud you need to authenticate against the Identity
# service named keystone, which returns a **Token** and **Service Catalog**.
export OS_AUTH_URL=https://infra.mail.ru:35357/v3/
# With the addition of Keystone we have standardized on the term **project**
export OS_PROJECT_ID=b5b7ffd4ef0547e5b222f44555dfcc4a
export OS_PROJECT_NAME="mcs1234567890"
export OS_USER_DOMAIN_NAME="users"
if [ -z "$OS_USER_DOMAIN_NAME" ]; then unset OS_USER_DOMAIN_NAME; fi
export OS_PROJECT_DOMAIN_ID="2f8a4b3ba1d04a9e8d3e5f1c0a7b6c5d"
# unset v2.0 items in case set
unset OS_TENANT_ID
unset OS_TENANT_NAME
# In addition to the owning entity (tenant), OpenStack stores the entity
export OS_USERNAME="operator@example.com"
# With Keystone you pass the keystone password.
echo "Please enter your OpenStack Password for project $OS_PROJECT_NAME as user $OS_USERNAME: "
read -sr OS_PASSWORD_INPUT
export OS_PASSWORD=$OS_PASSWORD_INPUT
# If your configuration has multiple regions, we set that information here.
export OS_REGION_NAME="RegionOne"
# Don't leave a blank variable, unset it if it was empty
if [ -z "$OS_REGION_NAME" ]; then unset OS_REGION_NAME; fi
export OS_INTERFACE=public
export OS_IDENTITY_API_VERSION=3
`;

const horizonV2 = `export OS_AUTH_URL=http://controller:5000/v2.0
export OS_TENANT_ID='0123abcd'
export OS_TENANT_NAME='demo project'
export OS_USERNAME=admin
export OS_PASSWORD="s3cr\\"et\\$1"
export OS_REGION_NAME=RegionTwo
export OS_ENDPOINT_TYPE=internalURL
`;

describe('parseOpenrc', () => {
  it('reads a Horizon v3 file and skips the prompted password', () => {
    expect(parseOpenrc(horizonV3)).toEqual({
      authUrl: 'https://infra.mail.ru:35357/v3/',
      projectId: 'b5b7ffd4ef0547e5b222f44555dfcc4a',
      projectName: 'mcs1234567890',
      userDomainName: 'users',
      projectDomainId: '2f8a4b3ba1d04a9e8d3e5f1c0a7b6c5d',
      username: 'operator@example.com',
      regionName: 'RegionOne',
      interface: 'public',
      identityApiVersion: '3',
    });
  });

  it('maps v2.0 tenant variables and endpoint type, and unescapes double quotes', () => {
    expect(parseOpenrc(horizonV2)).toEqual({
      authUrl: 'http://controller:5000/v2.0',
      projectId: '0123abcd',
      projectName: 'demo project',
      username: 'admin',
      password: 's3cr"et$1',
      regionName: 'RegionTwo',
      interface: 'internal',
    });
  });

  it('handles single, double and no quoting, trailing comments and CRLF', () => {
    const text = [
      "export OS_USERNAME='it'\\''s me'",
      'export OS_PROJECT_NAME="a b" # the project',
      'OS_REGION_NAME=Region\\ One',
      "export OS_PASSWORD='$not expanded'",
      '   export OS_USER_DOMAIN_NAME=Default   ',
    ].join('\r\n');
    expect(parseOpenrc(text)).toEqual({
      username: "it's me",
      projectName: 'a b',
      regionName: 'Region One',
      password: '$not expanded',
      userDomainName: 'Default',
    });
  });

  it('ignores expansions, unknown variables, commands and broken quoting', () => {
    const text = [
      'export OS_PROJECT_NAME="$PROJECT"',
      'export OS_USERNAME=$(whoami)',
      'export OS_REGION_NAME=`cat region`',
      'export OS_CACERT=/etc/ca.pem',
      'export HOME=/root',
      'echo export OS_USERNAME=nope',
      'export OS_USER_ID="unterminated',
      '# export OS_PROJECT_ID=commented',
    ].join('\n');
    expect(parseOpenrc(text)).toEqual({});
  });

  it('lets the later line win, as the shell would', () => {
    expect(parseOpenrc('export OS_REGION_NAME=a\nexport OS_REGION_NAME=b\n')).toEqual({ regionName: 'b' });
  });
});

// Horizon's "Download openrc" for an application credential (openrc.sh.template).
const horizonAppCredential = `#!/usr/bin/env bash

export OS_AUTH_TYPE=v3applicationcredential
export OS_AUTH_URL=https://keystone.example.com:5000/v3
export OS_IDENTITY_API_VERSION=3
export OS_REGION_NAME="RegionOne"
export OS_INTERFACE=public
export OS_APPLICATION_CREDENTIAL_ID=21dced0fd20347869b93710d2b98aae0
export OS_APPLICATION_CREDENTIAL_SECRET=s3cr3t-from-horizon
`;

describe("parseOpenrc with bash's ANSI-C quoting ($'…')", () => {
  /** What bash itself exports for these lines (C locale: bytes as written). */
  function exportedByBash(lines: string[], name: string): string {
    return execFileSync('/bin/bash', ['-c', `${lines.join('\n')}\nprintf '%s' "$${name}"`], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', LC_ALL: 'C', HOME: '/nonexistent' },
    });
  }

  it('decodes the escapes as bash does', () => {
    const lines = [
      String.raw`export OS_USERNAME=$'a\x0Ab\'c\xC2\x85 \\ \e[1m \E \t\r\n\a\b\v\f\? \" \101\0101 \x4a\x4 \cA'`,
      String.raw`export OS_PROJECT_NAME=pre$'\x7F'post`,
      String.raw`export OS_REGION_NAME=$'Region\x00One'`,
    ];
    const values = parseOpenrc(lines.join('\n'));
    expect(values.username).toBe(exportedByBash(lines, 'OS_USERNAME'));
    expect(values.username).toContain("\nb'c\u0085 \\ \u001b[1m");
    expect(values.projectName).toBe(exportedByBash(lines, 'OS_PROJECT_NAME'));
    expect(values.projectName).toBe('pre\u007fpost');
    expect(values.regionName).toBe(exportedByBash(lines, 'OS_REGION_NAME'));
  });

  it('takes no value joined with an expansion, and none from an unterminated quote', () => {
    expect(parseOpenrc(String.raw`export OS_REGION_NAME=$'\x1b'"$HOME"`)).toEqual({});
    expect(parseOpenrc(String.raw`export OS_USERNAME=$'abc\'`)).toEqual({});
  });
});

describe('parseOpenrc with application credentials', () => {
  it('reads a Horizon application credential file by id, secret included', () => {
    const values = parseOpenrc(horizonAppCredential);
    expect(values).toEqual({
      authType: 'v3applicationcredential',
      authUrl: 'https://keystone.example.com:5000/v3',
      identityApiVersion: '3',
      regionName: 'RegionOne',
      interface: 'public',
      applicationCredentialId: '21dced0fd20347869b93710d2b98aae0',
      applicationCredentialSecret: 's3cr3t-from-horizon',
    });
    expect(detectCredentialKind(values)).toBe('application_credential');
  });

  it('reads a credential named by name with its owner and the owner domain', () => {
    const text = [
      'export OS_AUTH_TYPE="v3applicationcredential"',
      "export OS_APPLICATION_CREDENTIAL_NAME='ci runner'",
      'export OS_USERNAME=alice',
      'export OS_USER_DOMAIN_NAME=Users',
      'export OS_APPLICATION_CREDENTIAL_SECRET="p\\\\a\\"s s"',
    ].join('\n');
    const values = parseOpenrc(text);
    expect(values).toEqual({
      authType: 'v3applicationcredential',
      applicationCredentialName: 'ci runner',
      username: 'alice',
      userDomainName: 'Users',
      applicationCredentialSecret: 'p\\a"s s',
    });
    expect(detectCredentialKind(values)).toBe('application_credential');
    expect(parseOpenrc('OS_APPLICATION_CREDENTIAL_NAME=ci OS_USER_ID=u1 OS_USER_DOMAIN_ID=d1')).toEqual({
      applicationCredentialName: 'ci',
      userId: 'u1',
      userDomainId: 'd1',
    });
  });

  it('does not take a secret that expands a variable or a command', () => {
    const text = [
      'export OS_APPLICATION_CREDENTIAL_ID=21dced0fd20347869b93710d2b98aae0',
      'read -sr OS_APP_SECRET_INPUT',
      'export OS_APPLICATION_CREDENTIAL_SECRET=$OS_APP_SECRET_INPUT',
      'export OS_APPLICATION_CREDENTIAL_SECRET="${OS_APP_SECRET_INPUT}"',
      'export OS_APPLICATION_CREDENTIAL_SECRET=$(pass show openstack)',
    ].join('\n');
    expect(parseOpenrc(text)).toEqual({ applicationCredentialId: '21dced0fd20347869b93710d2b98aae0' });
    // A single-quoted dollar is literal in the shell too.
    expect(parseOpenrc("OS_APPLICATION_CREDENTIAL_SECRET='$ecret'")).toEqual({
      applicationCredentialSecret: '$ecret',
    });
  });
});

describe('detectCredentialKind', () => {
  const id = { applicationCredentialId: 'ac1' };

  it('lets OS_AUTH_TYPE decide when a file mixes both kinds', () => {
    const mixed = { ...id, username: 'alice', password: 'pw', applicationCredentialSecret: 's' };
    expect(detectCredentialKind({ ...mixed, authType: 'v3applicationcredential' })).toBe(
      'application_credential',
    );
    expect(detectCredentialKind({ ...mixed, authType: 'password' })).toBe('password');
    expect(detectCredentialKind({ ...mixed, authType: 'v3password' })).toBe('password');
  });

  it('without OS_AUTH_TYPE, a credential id or name means an application credential', () => {
    expect(detectCredentialKind(id)).toBe('application_credential');
    expect(detectCredentialKind({ applicationCredentialName: 'ci', username: 'a' })).toBe(
      'application_credential',
    );
    expect(detectCredentialKind({ applicationCredentialSecret: 's', username: 'a' })).toBe('password');
    expect(detectCredentialKind(parseOpenrc(horizonV3))).toBe('password');
  });

  it('reads the application credential type without any of its variables as a password file', () => {
    expect(detectCredentialKind({ authType: 'v3applicationcredential', username: 'a' })).toBe('password');
    expect(
      detectCredentialKind({ authType: 'V3ApplicationCredential ', applicationCredentialSecret: 's' }),
    ).toBe('application_credential');
  });
});

describe('normalizeAuthUrl and looksLikeOpenrc', () => {
  it('compares auth URLs without the version and trailing slash', () => {
    expect(normalizeAuthUrl('https://K:5000/v3/')).toBe(normalizeAuthUrl('https://k:5000'));
    expect(normalizeAuthUrl('http://c:5000/v2.0')).toBe('http://c:5000');
  });

  it('tells an openrc from a plain value', () => {
    expect(looksLikeOpenrc(horizonV3)).toBe(true);
    expect(looksLikeOpenrc('OS_USERNAME=x')).toBe(true);
    expect(looksLikeOpenrc('just a password')).toBe(false);
  });
});
