import type { CloudSummary } from '@contract/clouds';
import type { LoginRequest } from '@contract/session';

/** How the form signs in: as the cloud's clouds.yaml says, or as a pasted openrc says. */
export type LoginAuthType = NonNullable<CloudSummary['authType']>;

export interface LoginFormValues {
  cloud: string;
  authType: LoginAuthType;
  /** Which identifies the application credential: its id alone, or its name + the owner user. */
  applicationCredentialBy: 'id' | 'name';
  username: string;
  password: string;
  userDomain: string;
  project: string;
  projectDomain: string;
  region: string;
  /** For `authType: application_credential` (clouds.yaml or openrc `v3applicationcredential`). */
  applicationCredentialId: string;
  applicationCredentialName: string;
  applicationCredentialSecret: string;
}

/** The server's invalid_input messages, on the form's fields. */
export type LoginFieldErrors = Partial<Record<keyof LoginFormValues, string>>;

/** The change handler of one form field: the field groups take it from the login page. */
export type UpdateLoginField = (
  field: keyof LoginFormValues,
) => (event: { target: { value: string } }) => void;

export const emptyLoginForm: LoginFormValues = {
  cloud: '',
  authType: 'password',
  applicationCredentialBy: 'id',
  username: '',
  password: '',
  userDomain: '',
  project: '',
  projectDomain: '',
  region: '',
  applicationCredentialId: '',
  applicationCredentialName: '',
  applicationCredentialSecret: '',
};

export function isApplicationCredentialCloud(cloud: CloudSummary | undefined): boolean {
  return cloud?.authType === 'application_credential';
}

// Keystone project and domain ids are UUID hex without dashes; anything else is taken as a name.
const keystoneIdPattern = /^[0-9a-f]{32}$/i;

export function isKeystoneId(value: string): boolean {
  return keystoneIdPattern.test(value);
}

const trimmed = (value: string) => value.trim() || undefined;

/** The id from the cloud's defaults, or anything shaped like a Keystone id, is an id; else a name. */
function isIdLike(value: string, defaultId: string | undefined): boolean {
  return value === defaultId || isKeystoneId(value);
}

/** The sign-in a cloud expects; a credential named in clouds.yaml by name (not id) needs its user. */
export function readCredentialMode(
  cloud: CloudSummary,
): Pick<LoginFormValues, 'authType' | 'applicationCredentialBy'> {
  const d = cloud.defaults;
  return {
    authType: cloud.authType ?? 'password',
    applicationCredentialBy: !d.applicationCredentialId && d.applicationCredentialName ? 'name' : 'id',
  };
}

/**
 * The user and its domain, the same for a password and an application credential by name. The
 * field takes a name or an id (OS_USER_ID, clouds.yaml user_id): an id is sent as userId, as the
 * domain and project fields do.
 */
function applyUser(request: LoginRequest, values: LoginFormValues, cloud: CloudSummary | undefined): void {
  const user = trimmed(values.username);
  if (user && isIdLike(user, cloud?.defaults.userId)) request.userId = user;
  else if (user) request.username = user;
  const userDomain = trimmed(values.userDomain);
  if (!userDomain) return;
  if (isIdLike(userDomain, cloud?.defaults.userDomainId)) request.userDomainId = userDomain;
  else request.userDomainName = userDomain;
}

/** The form prefilled from a cloud's clouds.yaml defaults (and its demo credentials, if any). */
export function prefillFromCloud(cloud: CloudSummary, region: string | null): LoginFormValues {
  const d = cloud.defaults;
  const regionChoice =
    region && (cloud.regions.length === 0 || cloud.regions.includes(region))
      ? region
      : (d.regionName ?? cloud.regions[0] ?? '');
  return {
    cloud: cloud.name,
    ...readCredentialMode(cloud),
    username: cloud.demo?.username ?? d.username ?? d.userId ?? '',
    password: cloud.demo?.password ?? '',
    userDomain: d.userDomainName ?? d.userDomainId ?? '',
    project: d.projectName ?? d.projectId ?? '',
    projectDomain: d.projectDomainName ?? d.projectDomainId ?? '',
    region: regionChoice,
    applicationCredentialId: d.applicationCredentialId ?? '',
    applicationCredentialName: d.applicationCredentialName ?? '',
    applicationCredentialSecret: '',
  };
}

/**
 * Turn the form into the contract's LoginRequest. A domain field holding the id from the defaults,
 * or anything shaped like a Keystone id, is sent as an id; otherwise as a name
 * (https://docs.openstack.org/api-ref/identity/v3/#password-authentication-with-scoped-authorization).
 */
export function buildLoginRequest(values: LoginFormValues, cloud: CloudSummary | undefined): LoginRequest {
  if (values.authType === 'application_credential') return buildApplicationCredentialRequest(values, cloud);
  const request: LoginRequest = { cloud: values.cloud, password: values.password };
  applyUser(request, values, cloud);

  const project = trimmed(values.project);
  if (project) {
    if (isIdLike(project, cloud?.defaults.projectId)) {
      request.projectId = project;
    } else {
      request.projectName = project;
      const projectDomain = trimmed(values.projectDomain);
      if (projectDomain && isIdLike(projectDomain, cloud?.defaults.projectDomainId)) {
        request.projectDomainId = projectDomain;
      } else if (projectDomain) {
        request.projectDomainName = projectDomain;
      }
    }
  }

  const region = trimmed(values.region);
  if (region) request.regionName = region;
  return request;
}

/**
 * An application credential sign-in: by id, or by name with its user (name + domain)
 * (https://docs.openstack.org/api-ref/identity/v3/#authenticating-with-an-application-credential).
 * No project: the credential is bound to one. Only what the form shows is sent: a hidden id or
 * name (from the cloud's defaults, say) must not pick another credential than the one shown.
 */
function buildApplicationCredentialRequest(
  values: LoginFormValues,
  cloud: CloudSummary | undefined,
): LoginRequest {
  const request: LoginRequest = {
    cloud: values.cloud,
    applicationCredentialSecret: values.applicationCredentialSecret,
  };
  const id = trimmed(values.applicationCredentialId);
  const name = trimmed(values.applicationCredentialName);
  if (values.applicationCredentialBy === 'name') {
    if (name) {
      request.applicationCredentialName = name;
      applyUser(request, values, cloud);
    }
  } else if (id) {
    request.applicationCredentialId = id;
  }
  const region = trimmed(values.region);
  if (region) request.regionName = region;
  return request;
}

/** Map the server's invalid_input field paths back onto the form's fields. */
export function mapFieldErrors(fields: Record<string, string> | undefined): LoginFieldErrors {
  const out: LoginFieldErrors = {};
  if (!fields) return out;
  const map: Record<string, keyof LoginFormValues> = {
    cloud: 'cloud',
    username: 'username',
    userId: 'username',
    password: 'password',
    userDomainName: 'userDomain',
    userDomainId: 'userDomain',
    projectId: 'project',
    projectName: 'project',
    projectDomainName: 'projectDomain',
    projectDomainId: 'projectDomain',
    regionName: 'region',
    applicationCredentialId: 'applicationCredentialId',
    applicationCredentialName: 'applicationCredentialName',
    applicationCredentialSecret: 'applicationCredentialSecret',
  };
  for (const [path, message] of Object.entries(fields)) {
    const field = map[path.split('.')[0] ?? ''];
    if (field) out[field] = message;
  }
  return out;
}
