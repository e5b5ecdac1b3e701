import type { CloudConfig } from '../../src/config/clouds-config.js';
import type { DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { resolveIdentityEndpoint } from '../../src/config/identity-endpoint.js';

/**
 * A clouds.yaml entry for a running demo cloud, as main.ts builds it: the login form's defaults
 * point at the demo user and its first project (by name + domain on v3, by tenant id on v2.0), in
 * the first region. `unscoped` leaves the project out. `as: 'mfa'` names the user with a second
 * factor instead; `as: 'application-credential'` is an `auth_type: v3applicationcredential` entry
 * naming the demo's application credential by id (both where the profile has them).
 */
export function demoCloudConfig(
  demo: DemoCloud,
  name = 'demo',
  options: { unscoped?: boolean; as?: 'demo' | 'mfa' | 'application-credential' } = {},
): CloudConfig {
  const { credentials } = demo;
  const isV3 = demo.identityApiVersion === '3';
  const base = {
    name,
    authUrl: demo.authUrl,
    identity: resolveIdentityEndpoint(demo.authUrl, demo.identityApiVersion),
    interface: 'public' as const,
    regions: demo.regions,
  };
  const region = demo.regions[0] ? { regionName: demo.regions[0] } : {};
  if (options.as === 'application-credential') {
    const credential = credentials.applicationCredential;
    if (!credential) throw new Error(`The ${demo.profile} profile has no application credential.`);
    return {
      ...base,
      authType: 'application_credential',
      defaults: { applicationCredentialId: credential.id, ...region },
    };
  }
  const username = options.as === 'mfa' ? credentials.mfa?.username : credentials.username;
  if (username === undefined)
    throw new Error(`The ${demo.profile} profile has no user with a second factor.`);
  const project = options.unscoped
    ? {}
    : isV3
      ? { projectName: credentials.projectName, projectDomainName: credentials.userDomainName }
      : { projectId: credentials.projectId };
  return {
    ...base,
    defaults: {
      username,
      ...(isV3 ? { userDomainName: credentials.userDomainName } : {}),
      ...project,
      ...region,
    },
  };
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
