import type { IdentityApiVersion } from '../contract/common.js';
import type { CloudConfig } from './clouds-config.js';
import { resolveIdentityEndpoint } from './identity-endpoint.js';

/**
 * What the clouds.yaml entry of a running demo cloud needs to know of it (the demo cloud's own
 * `DemoCloud` has these fields; it is a program of its own, so the BFF does not import its types).
 */
export interface DemoCloudFacts {
  readonly profile: string;
  readonly authUrl: string;
  readonly identityApiVersion: IdentityApiVersion;
  readonly regions: string[];
  readonly credentials: {
    username: string;
    password: string;
    userDomainName: string;
    projectName: string;
    projectId: string;
    mfa: { username: string } | null;
    applicationCredential: { id: string } | null;
  };
  /** The demo user's domain and project as its identity API names them (the demo cloud decides). */
  readonly signInNames: {
    userDomainName: string | null;
    project: { projectName: string; projectDomainName: string } | { projectId: string };
  };
}

export interface DemoCloudConfigOptions {
  /** The name in the cloud list (default `demo`). */
  name?: string;
  /** Leave the project out: an unscoped sign-in, then the project picker. */
  unscoped?: boolean;
  /** Sign in as the user with a second factor, or with the demo's application credential (by id). */
  as?: 'demo' | 'mfa' | 'application-credential';
  /** Show the demo user's credentials on the login page (`npm start` without a clouds.yaml). */
  showCredentials?: boolean;
}

/**
 * The one mapping from a demo cloud to a clouds.yaml entry, for `npm start` and the tests: the
 * login form's defaults point at the demo user and its first project, named as the demo cloud
 * says its identity API names them, in the first region.
 */
export function demoCloudConfig(demo: DemoCloudFacts, options: DemoCloudConfigOptions = {}): CloudConfig {
  const { credentials, signInNames } = demo;
  const base = {
    name: options.name ?? 'demo',
    authUrl: demo.authUrl,
    identity: resolveIdentityEndpoint(demo.authUrl, demo.identityApiVersion),
    interface: 'public' as const,
    regions: demo.regions,
    ...(options.showCredentials
      ? { demo: { username: credentials.username, password: credentials.password } }
      : {}),
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
  return {
    ...base,
    defaults: {
      username,
      ...(signInNames.userDomainName ? { userDomainName: signInNames.userDomainName } : {}),
      ...(options.unscoped ? {} : signInNames.project),
      ...region,
    },
  };
}
