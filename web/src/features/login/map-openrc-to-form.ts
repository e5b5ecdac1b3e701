import type { CloudSummary } from '@contract/clouds';
import { prefillFromCloud, readCredentialMode, type LoginFormValues } from './build-login-request';
import {
  detectCredentialKind,
  normalizeAuthUrl,
  type OpenrcCredentialKind,
  type OpenrcValues,
} from './openrc-parser';

export interface OpenrcFormMapping {
  /** The form with the openrc applied; null when the openrc fills no field (nothing changes). */
  values: LoginFormValues | null;
  /** How many fields the openrc filled (how the form signs in afterwards is not counted). */
  filledCount: number;
  kind: OpenrcCredentialKind;
  /** The openrc's auth URL when no configured cloud has it: the form stays on its cloud. */
  unknownUrl: string | null;
}

/**
 * What a pasted, dropped or chosen openrc does to the sign-in form. Its auth URL picks the cloud;
 * an openrc of another cloud starts from that cloud's defaults, not the previous cloud's fields.
 * Pure: the import hook and the tests call it alike.
 */
export function mapOpenrcToForm(
  openrc: OpenrcValues,
  current: LoginFormValues,
  clouds: readonly CloudSummary[],
): OpenrcFormMapping {
  const kind = detectCredentialKind(openrc);
  const currentCloud = clouds.find((c) => c.name === current.cloud);
  const filled: Partial<LoginFormValues> = {};
  let target = currentCloud;
  let unknownUrl: string | null = null;
  if (openrc.authUrl) {
    const authUrl = normalizeAuthUrl(openrc.authUrl);
    const match = clouds.find((c) => normalizeAuthUrl(c.authUrl) === authUrl);
    if (match) {
      filled.cloud = match.name;
      target = match;
    } else unknownUrl = openrc.authUrl;
  }
  const user = openrc.username ?? openrc.userId;
  const userDomain = openrc.userDomainName ?? openrc.userDomainId;
  // How the form signs in afterwards; not counted as filled fields.
  let mode: Partial<LoginFormValues> = target ? readCredentialMode(target) : {};
  if (kind === 'application_credential') {
    mode = { authType: 'application_credential' };
    // By id, the owner is Keystone's business; by name, the owner user picks the credential.
    if (openrc.applicationCredentialId) {
      mode.applicationCredentialBy = 'id';
      filled.applicationCredentialId = openrc.applicationCredentialId;
    } else if (openrc.applicationCredentialName) {
      mode.applicationCredentialBy = 'name';
      filled.applicationCredentialName = openrc.applicationCredentialName;
      if (user) filled.username = user;
      if (userDomain) filled.userDomain = userDomain;
    }
    // Held in the form's state only, like a typed secret: sent with the sign-in request, never stored.
    if (openrc.applicationCredentialSecret)
      filled.applicationCredentialSecret = openrc.applicationCredentialSecret;
  } else {
    if (user) filled.username = user;
    if (openrc.password) filled.password = openrc.password;
    if (userDomain) filled.userDomain = userDomain;
    const project = openrc.projectId ?? openrc.projectName;
    if (project) filled.project = project;
    const projectDomain = openrc.projectDomainName ?? openrc.projectDomainId;
    if (projectDomain) filled.projectDomain = projectDomain;
  }
  if (openrc.regionName) filled.region = openrc.regionName;
  const filledCount = Object.keys(filled).length;
  if (filledCount === 0) return { values: null, filledCount, kind, unknownUrl };
  const otherCloud = target && target.name !== currentCloud?.name ? target : null;
  return {
    values: { ...(otherCloud ? prefillFromCloud(otherCloud, null) : current), ...mode, ...filled },
    filledCount,
    kind,
    unknownUrl,
  };
}
