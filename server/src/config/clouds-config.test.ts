import { describe, expect, it } from 'vitest';
import { CloudsConfigError, parseCloudsYaml, toCloudSummary } from './clouds-config.js';

const labYaml = `
clouds:
  lab:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: demo
      password: should-be-ignored
      project_name: demo
      project_domain_name: Default
      user_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
  nhn:
    auth:
      auth_url: https://api-identity-infrastructure.nhncloudservice.com
      username: user@example.com
      tenant_id: 1f2e3d
    region_name: [KR1, KR2]
    identity_api_version: "2.0"
  ovh:
    auth:
      auth_url: https://auth.cloud.ovh.net/v3/
      user_domain_id: default
      project_id: 0123
    regions: [GRA11, { name: SBG5 }]
  appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: http://127.0.0.1:5000/v3
      application_credential_id: 0f1e2d3c
      application_credential_secret: should-be-ignored-too
    region_name: RegionOne
  appcred-by-name:
    auth_type: v3applicationcredential
    auth:
      auth_url: http://127.0.0.1:5000
      application_credential_name: ci-deploy
      username: demo
      user_domain_name: Default
  oidc:
    auth_type: v3oidcpassword
    auth:
      auth_url: http://127.0.0.1:5000/v3
`;

describe('clouds.yaml', () => {
  it('reads the standard keys, ignores passwords, and skips auth types it cannot use', () => {
    const { clouds, skipped } = parseCloudsYaml(labYaml, 'clouds.yaml');
    expect(clouds.map((cloud) => cloud.name)).toEqual(['lab', 'nhn', 'ovh', 'appcred', 'appcred-by-name']);
    expect(skipped).toEqual([{ name: 'oidc', reason: 'auth_type v3oidcpassword is not supported yet' }]);

    const [lab, nhn, ovh] = clouds;
    expect(lab!.defaults).toEqual({
      username: 'demo',
      userDomainName: 'Default',
      projectName: 'demo',
      projectDomainName: 'Default',
      regionName: 'RegionOne',
    });
    expect(JSON.stringify(clouds)).not.toContain('should-be-ignored');
    expect(lab!.identity).toEqual({ rootUrl: 'http://127.0.0.1:5000', version: '3' });

    expect(nhn!.identity.version).toBe('2.0');
    expect(nhn!.regions).toEqual(['KR1', 'KR2']);
    expect(nhn!.defaults.projectId).toBe('1f2e3d');

    expect(ovh!.identity).toEqual({ rootUrl: 'https://auth.cloud.ovh.net', version: '3' });
    expect(ovh!.regions).toEqual(['GRA11', 'SBG5']);
    expect(ovh!.defaults.projectId).toBe('0123');
    expect(toCloudSummary(ovh!).authType).toBe('password');
  });

  it('offers v3applicationcredential entries by id or by name + user, never with their secret', () => {
    const { clouds } = parseCloudsYaml(labYaml, 'clouds.yaml');
    const byId = clouds.find((cloud) => cloud.name === 'appcred')!;
    const byName = clouds.find((cloud) => cloud.name === 'appcred-by-name')!;
    expect(toCloudSummary(byId)).toMatchObject({
      authType: 'application_credential',
      identityApiVersion: '3',
      defaults: { applicationCredentialId: '0f1e2d3c', regionName: 'RegionOne' },
    });
    expect(byName.authType).toBe('application_credential');
    expect(byName.identity).toEqual({ rootUrl: 'http://127.0.0.1:5000', version: '3' });
    expect(byName.defaults).toEqual({
      applicationCredentialName: 'ci-deploy',
      username: 'demo',
      userDomainName: 'Default',
    });
    expect(JSON.stringify(clouds)).not.toContain('should-be-ignored-too');
  });

  it('allows the interface of the entry, plus those under api_access.interfaces (issue 13 item 4)', () => {
    const { clouds } = parseCloudsYaml(
      `clouds:
  default:
    auth: {auth_url: "http://h/v3"}
  internal:
    auth: {auth_url: "http://h/v3"}
    endpoint_type: internalURL
  wider:
    auth: {auth_url: "http://h/v3"}
    interface: public
    api_access:
      interfaces: [internal, public]
`,
      'clouds.yaml',
    );
    expect(clouds.map((cloud) => [cloud.name, cloud.interface, cloud.allowedInterfaces])).toEqual([
      ['default', 'public', ['public']],
      ['internal', 'internal', ['internal']],
      ['wider', 'public', ['public', 'internal']],
    ]);
    expect(toCloudSummary(clouds[2]!).interfaces).toEqual(['public', 'internal']);
    expect(() =>
      parseCloudsYaml(
        'clouds:\n  c:\n    auth: {auth_url: "http://h/"}\n    api_access: {interfaces: [everything]}\n',
        'x.yaml',
      ),
    ).toThrow(/cloud "c": api_access.interfaces.0: must be public, internal or admin/);
    expect(() =>
      parseCloudsYaml(
        'clouds:\n  c:\n    auth: {auth_url: "http://h/"}\n    api_access: {interface: [admin]}\n',
        'x.yaml',
      ),
    ).toThrow(/cloud "c": api_access/);
  });

  it('fails with a message that names the file, the cloud and the key', () => {
    expect(() => parseCloudsYaml('clouds:\n  bad:\n    auth: {}\n', '/etc/openstack/clouds.yaml')).toThrow(
      /\/etc\/openstack\/clouds.yaml: cloud "bad": auth.auth_url/,
    );
    expect(() => parseCloudsYaml('clouds: [unclosed', 'x.yaml')).toThrow(CloudsConfigError);
    expect(() => parseCloudsYaml('foo: 1', 'x.yaml')).toThrow('no "clouds:" mapping');
    expect(() =>
      parseCloudsYaml(
        'clouds:\n  c:\n    identity_api_version: 4\n    auth: {auth_url: "http://h/"}\n',
        'x.yaml',
      ),
    ).toThrow('identity_api_version must be 3 or 2.0');
  });

  it('offers WebSSO from auth_type v3websso (keystoneauth-websso naming) or api_access.websso (issue 17)', () => {
    const { clouds, skipped } = parseCloudsYaml(
      `
clouds:
  sso-only:
    auth_type: v3websso
    auth:
      auth_url: https://keystone.example.com:5000/v3
      identity_provider: corp-idp
      protocol: openid
    api_access:
      websso:
        label: Corp Login
  both:
    auth:
      auth_url: https://keystone.example.com/identity/v3
      username: ops
    api_access:
      websso:
        protocol: openid
`,
      'x.yaml',
    );
    expect(skipped).toEqual([]);
    const [ssoOnly, both] = clouds;
    expect(ssoOnly!.websso).toEqual({
      protocol: 'openid',
      identityProvider: 'corp-idp',
      label: 'Corp Login',
    });
    expect(toCloudSummary(ssoOnly!)).toMatchObject({ authType: 'websso', websso: { label: 'Corp Login' } });
    // Without an identity provider Keystone's generic websso URL finds it; the label defaults to SSO.
    expect(both!.websso).toEqual({ protocol: 'openid', identityProvider: null, label: 'SSO' });
    expect(toCloudSummary(both!)).toMatchObject({ authType: 'password', websso: { label: 'SSO' } });
    expect(toCloudSummary(parseCloudsYaml(labYaml, 'x.yaml').clouds[0]!).websso).toBeUndefined();
  });

  it('refuses a WebSSO entry it could not use, naming what is wrong', () => {
    const entry = (body: string) => () => parseCloudsYaml(`clouds:\n  c:\n${body}`, 'x.yaml');
    expect(entry('    auth_type: v3websso\n    auth:\n      auth_url: https://k.example.com/v3\n')).toThrow(
      'cloud "c": auth.protocol is required with auth_type v3websso',
    );
    expect(
      entry(
        '    auth:\n      auth_url: https://k.example.com/v2.0\n    api_access:\n      websso:\n        protocol: openid\n',
      ),
    ).toThrow('WebSSO needs Keystone v3');
    expect(
      entry(
        '    auth:\n      auth_url: https://k.example.com/v3\n    api_access:\n      websso:\n        protocol: ../admin\n',
      ),
    ).toThrow(CloudsConfigError);
    expect(
      entry(
        '    auth:\n      auth_url: https://k.example.com/v3\n    api_access:\n      websso:\n        protocol: openid\n        colour: red\n',
      ),
    ).toThrow(CloudsConfigError);
  });
});
