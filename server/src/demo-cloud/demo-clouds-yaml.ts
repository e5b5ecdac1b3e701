import { stringify } from 'yaml';
import type { DemoCloud } from './demo-cloud.js';

/**
 * A clouds.yaml document for this demo cloud (https://docs.openstack.org/openstacksdk/latest/user/config/configuration.html).
 * Besides `name` (the demo user), where the profile has them: `${name}-mfa`, the user with a second
 * factor, and `${name}-appcred`, the demo user's application credential by id (auth_type
 * v3applicationcredential). It never contains a password or secret: the operator types them.
 */
export function demoCloudsYaml(cloud: DemoCloud, name = 'demo'): string {
  const { credentials } = cloud;
  // A fresh regions array per entry: a shared one would come out as a YAML anchor and alias.
  const common = () => ({
    region_name: cloud.regions[0],
    regions: [...cloud.regions],
    identity_api_version: cloud.identityApiVersion,
    interface: 'public',
  });
  const passwordAuth = (username: string): Record<string, string> => {
    const auth: Record<string, string> = { auth_url: cloud.authUrl, username };
    if (cloud.identityApiVersion === '3') {
      auth.user_domain_name = credentials.userDomainName;
      auth.project_id = credentials.projectId;
      auth.project_name = credentials.projectName;
      auth.project_domain_name = credentials.userDomainName;
    } else {
      // v2.0 knows no domains; NHN calls the project a tenant and addresses it by id.
      auth.project_id = credentials.projectId;
      auth.project_name = credentials.projectName;
    }
    return auth;
  };
  const clouds: Record<string, unknown> = {
    [name]: { auth: passwordAuth(credentials.username), ...common() },
  };
  if (credentials.mfa) clouds[`${name}-mfa`] = { auth: passwordAuth(credentials.mfa.username), ...common() };
  if (credentials.applicationCredential) {
    clouds[`${name}-appcred`] = {
      auth_type: 'v3applicationcredential',
      auth: { auth_url: cloud.authUrl, application_credential_id: credentials.applicationCredential.id },
      ...common(),
    };
  }
  const header =
    `# API Access demo cloud (profile ${cloud.profile}): a local test double, not a real OpenStack.\n` +
    '# No password or secret here: `npm run demo-cloud` prints them (they are public demo values).\n';
  return header + stringify({ clouds });
}
