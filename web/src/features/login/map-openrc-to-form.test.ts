import type { CloudSummary } from '@contract/clouds';
import { describe, expect, it } from 'vitest';
import { prefillFromCloud } from './build-login-request';
import { mapOpenrcToForm } from './map-openrc-to-form';
import { parseOpenrc } from './openrc-parser';

const lab: CloudSummary = {
  name: 'lab',
  authUrl: 'http://127.0.0.1:5000/v3',
  identityApiVersion: '3',
  interface: 'public',
  regions: ['RegionOne', 'RegionTwo'],
  defaults: {
    username: 'demo',
    userDomainName: 'Default',
    projectName: 'demo',
    projectDomainName: 'Default',
    regionName: 'RegionOne',
  },
};
const vk: CloudSummary = {
  ...lab,
  name: 'vk',
  authUrl: 'https://infra.mail.ru:35357/v3/',
  regions: ['ru-msk'],
  defaults: { userDomainName: 'users', regionName: 'ru-msk' },
};
const clouds = [lab, vk];
const onLab = prefillFromCloud(lab, null);

const map = (lines: string[], current = onLab) =>
  mapOpenrcToForm(parseOpenrc(lines.join('\n')), current, clouds);

describe('mapOpenrcToForm', () => {
  it('fills a password sign-in on the same cloud, keeping what the openrc does not say', () => {
    const mapping = map([
      'export OS_AUTH_URL=http://127.0.0.1:5000/v3/',
      'export OS_USERNAME=alice',
      'export OS_PROJECT_ID=0123456789abcdef0123456789abcdef',
      'export OS_USER_DOMAIN_NAME=Users',
      'export OS_REGION_NAME=RegionTwo',
      'export OS_PASSWORD=$OS_PASSWORD_INPUT',
    ]);
    expect(mapping).toEqual({
      values: {
        ...onLab,
        username: 'alice',
        project: '0123456789abcdef0123456789abcdef',
        userDomain: 'Users',
        region: 'RegionTwo',
      },
      filledCount: 5, // the cloud, the user, the project, the user domain, the region
      kind: 'password',
      unknownUrl: null,
    });
  });

  it("switches to another cloud's defaults when the auth URL is that cloud's", () => {
    const mapping = map([
      'export OS_AUTH_URL=https://infra.mail.ru:35357/v3',
      'export OS_USERNAME=operator@example.com',
      'export OS_PROJECT_ID=b5b7ffd4ef0547e5b222f44555dfcc4a',
    ]);
    expect(mapping.values).toEqual({
      ...prefillFromCloud(vk, null),
      username: 'operator@example.com',
      project: 'b5b7ffd4ef0547e5b222f44555dfcc4a',
    });
    expect(mapping.values?.projectDomain).toBe('');
    expect(mapping.values?.region).toBe('ru-msk');
  });

  it('keeps the cloud and reports an auth URL no configured cloud has', () => {
    const mapping = map(['export OS_AUTH_URL=https://elsewhere.example:5000/v3', 'export OS_USERNAME=bob']);
    expect(mapping.unknownUrl).toBe('https://elsewhere.example:5000/v3');
    expect(mapping.values).toEqual({ ...onLab, username: 'bob' });
    expect(mapping.filledCount).toBe(1);
  });

  it('reads v2.0 tenant variables as the project', () => {
    const mapping = map(['export OS_TENANT_NAME="ops team"', 'export OS_USERNAME=bob']);
    expect(mapping.values).toMatchObject({ project: 'ops team', username: 'bob' });
  });

  it('turns the form into an application credential sign-in by id, without project or password', () => {
    const mapping = map([
      'export OS_AUTH_TYPE=v3applicationcredential',
      'export OS_AUTH_URL=http://127.0.0.1:5000/v3',
      'export OS_REGION_NAME=RegionTwo',
      'export OS_APPLICATION_CREDENTIAL_ID=21dced0fd20347869b93710d2b98aae0',
      'export OS_APPLICATION_CREDENTIAL_SECRET=s3cret',
      'export OS_PASSWORD=not-for-this',
    ]);
    expect(mapping.kind).toBe('application_credential');
    expect(mapping.filledCount).toBe(4);
    expect(mapping.values).toEqual({
      ...onLab,
      authType: 'application_credential',
      applicationCredentialBy: 'id',
      applicationCredentialId: '21dced0fd20347869b93710d2b98aae0',
      applicationCredentialSecret: 's3cret',
      region: 'RegionTwo',
    });
  });

  it('fills a credential named by name with its owner user', () => {
    const mapping = map([
      "export OS_APPLICATION_CREDENTIAL_NAME='ci runner'",
      'export OS_USERNAME="alice"',
      'export OS_USER_DOMAIN_ID=0123456789abcdef0123456789abcdef',
      'export OS_PROJECT_NAME=ignored',
    ]);
    expect(mapping.kind).toBe('application_credential');
    expect(mapping.values).toEqual({
      ...onLab,
      authType: 'application_credential',
      applicationCredentialBy: 'name',
      applicationCredentialName: 'ci runner',
      username: 'alice',
      userDomain: '0123456789abcdef0123456789abcdef',
    });
  });

  it("goes back to the cloud's own sign-in for a password openrc after a credential one", () => {
    const onCredential = map([
      'export OS_APPLICATION_CREDENTIAL_ID=abc',
      'export OS_APPLICATION_CREDENTIAL_SECRET=s',
    ]).values!;
    const mapping = map(['export OS_AUTH_TYPE=password', 'export OS_USERNAME=carol'], onCredential);
    expect(mapping.values).toMatchObject({ authType: 'password', username: 'carol' });
  });

  it('changes nothing when the openrc fills no field', () => {
    expect(map(['# just a comment', 'export OS_PASSWORD=$OS_PASSWORD_INPUT', 'export OTHER=1'])).toEqual({
      values: null,
      filledCount: 0,
      kind: 'password',
      unknownUrl: null,
    });
  });
});
