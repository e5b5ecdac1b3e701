import fs from 'node:fs';
import path from 'node:path';

/** What e2e/lab/openstack-lab.sh wrote about the running lab. */
export interface Lab {
  keystoneUrl: string;
  neutronUrl: string;
  /** `mfa` also has `totpSecret`: the base32 secret of its TOTP credential (second factor). */
  users: Record<
    string,
    { id: string; name: string; password: string; domainId: string; totpSecret?: string }
  >;
  projects: Record<string, { id: string; name: string }>;
  regions: string[];
  networks: Record<string, string>;
}

export const labDir = process.env.OSLAB_DIR ?? '/tmp/api-access-lab';

export function readLab(): Lab {
  const file = path.join(labDir, 'lab.json');
  if (!fs.existsSync(file))
    throw new Error(`The OpenStack lab is not running (no ${file}). Run: npm run lab -- start`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Lab;
}

/** Keystone's own word on a token (a user may validate its own token with itself). */
export async function isTokenValidAtKeystone(lab: Lab, token: string): Promise<boolean> {
  const response = await fetch(`${lab.keystoneUrl}/v3/auth/tokens?nocatalog`, {
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
  });
  if (response.status === 200) return true;
  if (response.status === 401 || response.status === 404) return false;
  throw new Error(`Keystone answered the validation with HTTP ${response.status}`);
}

/** Networks exactly as Neutron lists them for a token. */
export async function listNetworkNamesAtNeutron(lab: Lab, token: string): Promise<string[]> {
  const response = await fetch(`${lab.neutronUrl}/v2.0/networks`, { headers: { 'X-Auth-Token': token } });
  if (!response.ok) throw new Error(`Neutron answered HTTP ${response.status}`);
  const body = (await response.json()) as { networks: { name: string }[] };
  return body.networks.map((network) => network.name);
}

/** The project a token is scoped to, in Keystone's own words (GET /v3/auth/tokens), or null. */
export async function readTokenProjectAtKeystone(lab: Lab, token: string): Promise<string | null> {
  // https://docs.openstack.org/api-ref/identity/v3/#validate-and-show-information-for-token
  const response = await fetch(`${lab.keystoneUrl}/v3/auth/tokens?nocatalog`, {
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
  });
  if (!response.ok) throw new Error(`Keystone answered the validation with HTTP ${response.status}`);
  const body = (await response.json()) as { token: { project?: { name: string } } };
  return body.token.project?.name ?? null;
}
