import type { CloudSummary } from '@contract/clouds';
import { describe, expect, it } from 'vitest';
import { buildLoginRequest, emptyLoginForm, prefillFromCloud } from './build-login-request';

const cloud: CloudSummary = {
  name: 'lab',
  authUrl: 'http://127.0.0.1:5000/v3',
  identityApiVersion: '3',
  interface: 'public',
  regions: ['RegionOne'],
  defaults: {},
};
const userId = '6faf79d453d6465c9d8a03fc3c314d93';

describe('buildLoginRequest: the user', () => {
  it('sends a name as username', () => {
    const request = buildLoginRequest(
      { ...emptyLoginForm, cloud: 'lab', username: 'demo', password: 'p' },
      cloud,
    );
    expect(request).toMatchObject({ username: 'demo' });
    expect(request).not.toHaveProperty('userId');
  });

  it('sends a Keystone id (OS_USER_ID) as userId', () => {
    const request = buildLoginRequest(
      { ...emptyLoginForm, cloud: 'lab', username: userId, password: 'p' },
      cloud,
    );
    expect(request).toMatchObject({ userId });
    expect(request).not.toHaveProperty('username');
  });

  it("sends the cloud's user_id as userId even when it is not shaped like one", () => {
    const ldapCloud = { ...cloud, defaults: { userId: 'uid=ops,ou=people' } };
    const request = buildLoginRequest(
      { ...emptyLoginForm, cloud: 'lab', username: 'uid=ops,ou=people', password: 'p' },
      ldapCloud,
    );
    expect(request).toMatchObject({ userId: 'uid=ops,ou=people' });
  });

  it('does the same for the owner of an application credential named by name', () => {
    const request = buildLoginRequest(
      {
        ...emptyLoginForm,
        cloud: 'lab',
        authType: 'application_credential',
        applicationCredentialBy: 'name',
        applicationCredentialName: 'ci',
        applicationCredentialSecret: 's',
        username: userId,
      },
      cloud,
    );
    expect(request).toMatchObject({ applicationCredentialName: 'ci', userId });
  });
});

describe('prefillFromCloud: the user', () => {
  it("fills the user field from clouds.yaml's user_id when there is no username", () => {
    expect(prefillFromCloud({ ...cloud, defaults: { userId } }, null).username).toBe(userId);
  });

  it('prefers the username', () => {
    expect(prefillFromCloud({ ...cloud, defaults: { userId, username: 'demo' } }, null).username).toBe(
      'demo',
    );
  });
});
