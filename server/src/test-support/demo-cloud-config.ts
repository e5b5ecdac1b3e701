import type { CloudConfig } from '../clouds/clouds-config.js';
import type { DemoCloud } from '../demo-cloud/demo-cloud.js';
import { resolveIdentityEndpoint } from '../openstack/keystone.js';

/**
 * A clouds.yaml entry for a running demo cloud, as main.ts builds it: the login form's defaults
 * point at the demo user and its first project (by name + domain on v3, by tenant id on v2.0), in
 * the first region. `unscoped` leaves the project out.
 */
export function demoCloudConfig(
  demo: DemoCloud,
  name = 'demo',
  options: { unscoped?: boolean } = {},
): CloudConfig {
  const { credentials } = demo;
  const isV3 = demo.identityApiVersion === '3';
  const project = options.unscoped
    ? {}
    : isV3
      ? { projectName: credentials.projectName, projectDomainName: credentials.userDomainName }
      : { projectId: credentials.projectId };
  return {
    name,
    authUrl: demo.authUrl,
    identity: resolveIdentityEndpoint(demo.authUrl, demo.identityApiVersion),
    interface: 'public',
    regions: demo.regions,
    defaults: {
      username: credentials.username,
      ...(isV3 ? { userDomainName: credentials.userDomainName } : {}),
      ...project,
      ...(demo.regions[0] ? { regionName: demo.regions[0] } : {}),
    },
  };
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
