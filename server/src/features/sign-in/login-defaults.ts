import type { CloudConfig } from '../../config/clouds-config.js';
import type { LoginRequest } from '../../contract/session.js';
import type { DomainSelector, ProjectScope, UserIdentity } from '../../openstack/keystone/identity-client.js';

/** A sign-in request without its secrets, completed from the cloud's clouds.yaml defaults. */
export type MergedLogin = Omit<LoginRequest, 'password' | 'passcode' | 'applicationCredentialSecret'>;

/** Fields left out of the login form fall back to the cloud's clouds.yaml defaults. */
export function mergeWithDefaults(cloud: CloudConfig, request: LoginRequest): MergedLogin {
  const {
    password: _password,
    passcode: _passcode,
    applicationCredentialSecret: _secret,
    ...given
  } = request;
  const defaults = cloud.defaults;
  const hasUser = given.username !== undefined || given.userId !== undefined;
  const hasProject = given.projectId !== undefined || given.projectName !== undefined;
  const hasAppCredential =
    given.applicationCredentialId !== undefined || given.applicationCredentialName !== undefined;
  return {
    cloud: given.cloud,
    ...(hasAppCredential
      ? {}
      : {
          applicationCredentialId: defaults.applicationCredentialId,
          applicationCredentialName: defaults.applicationCredentialName,
        }),
    ...(hasUser ? {} : { username: defaults.username, userId: defaults.userId }),
    ...(given.userDomainName || given.userDomainId
      ? {}
      : { userDomainName: defaults.userDomainName, userDomainId: defaults.userDomainId }),
    ...(hasProject ? {} : { projectId: defaults.projectId, projectName: defaults.projectName }),
    ...(given.projectDomainName || given.projectDomainId
      ? {}
      : { projectDomainName: defaults.projectDomainName, projectDomainId: defaults.projectDomainId }),
    regionName: defaults.regionName,
    ...stripUndefined(given),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toDomain(id: string | undefined, name: string | undefined): DomainSelector | null {
  if (id) return { id };
  if (name) return { name };
  return null;
}

/** By name within the user domain when a name is given, else by id. */
export function toUserIdentity(login: MergedLogin): UserIdentity {
  if (login.username)
    return { name: login.username, domain: toDomain(login.userDomainId, login.userDomainName) };
  return login.userId ? { id: login.userId } : {};
}

/** Project by id, or by name (within its domain, else the user's); none: unscoped. */
export function toProjectScope(login: MergedLogin): ProjectScope | null {
  if (login.projectId) return { id: login.projectId };
  if (!login.projectName) return null;
  return { name: login.projectName, domain: toDomain(login.projectDomainId, login.projectDomainName) };
}
