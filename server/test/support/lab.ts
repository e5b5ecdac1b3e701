import fs from 'node:fs';
import path from 'node:path';
import { loadCloudsFile, type CloudConfig } from '../../src/config/clouds-config.js';

/** The facts the lab script (e2e/lab/openstack-lab.sh) writes to $OSLAB_DIR/lab.json. */
export interface LabFacts {
  keystoneUrl: string;
  neutronUrl: string;
  cloudsYaml: string;
  /** `mfa` has a TOTP credential (base32 `totpSecret`) and must use it with its password. */
  users: Record<
    string,
    { id: string; name: string; password: string; domainId: string; totpSecret?: string }
  >;
  projects: Record<string, { id: string }>;
  /** demo's application credential on project demo (lab script seed). */
  applicationCredentials?: Record<string, { id: string; name: string; secret: string; projectId: string }>;
  regions: string[];
  networks: Record<string, string>;
  tokenExpirationSeconds?: number;
}

export const labDir = process.env.OSLAB_DIR ?? '/tmp/api-access-lab';

export function readLab(): LabFacts {
  const file = path.join(labDir, 'lab.json');
  if (!fs.existsSync(file)) {
    throw new Error(`The OpenStack lab is not running (no ${file}). Start it with: npm run lab -- start`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as LabFacts;
}

export function labClouds(): CloudConfig[] {
  return loadCloudsFile(readLab().cloudsYaml).clouds;
}

/** Asks the real Keystone whether a token is valid: a user may validate its own token with itself. */
export async function isValidAtKeystone(token: string): Promise<boolean> {
  const response = await fetch(`${readLab().keystoneUrl}/v3/auth/tokens?nocatalog`, {
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
  });
  if (response.status === 200) return true;
  if (response.status === 401 || response.status === 404) return false;
  throw new Error(`Keystone answered the validation with HTTP ${response.status}`);
}

/** Networks straight from Neutron for a token, all pages: what the BFF must agree with. */
export async function listNetworksAtNeutron(token: string): Promise<{ id: string; name: string }[]> {
  const response = await fetch(`${readLab().neutronUrl}/v2.0/networks`, {
    headers: { 'X-Auth-Token': token },
  });
  if (!response.ok) throw new Error(`Neutron answered HTTP ${response.status}`);
  return ((await response.json()) as { networks: { id: string; name: string }[] }).networks;
}
