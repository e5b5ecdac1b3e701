import type { LabFacts } from '../../server/test/support/lab-facts.js';

// lab.json's one schema and reader: server/test/support/lab-facts.ts (readLabFacts). These helpers
// ask the lab's Keystone and Neutron directly, for stories that compare the page with them.

/** Keystone's own word on a token (a user may validate its own token with itself). */
// https://docs.openstack.org/api-ref/identity/v3/#validate-and-show-information-for-token
export async function isTokenValidAtKeystone(
  lab: LabFacts,
  token: string,
  keystoneUrl = lab.keystoneUrl,
): Promise<boolean> {
  const response = await fetch(`${keystoneUrl}/v3/auth/tokens?nocatalog`, {
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
  });
  if (response.status === 200) return true;
  if (response.status === 401 || response.status === 404) return false;
  throw new Error(`Keystone answered the validation with HTTP ${response.status}`);
}

/** Networks exactly as Neutron lists them for a token. */
// https://docs.openstack.org/api-ref/network/v2/#list-networks
export async function listNetworkNamesAtNeutron(lab: LabFacts, token: string): Promise<string[]> {
  const response = await fetch(`${lab.neutronUrl}/v2.0/networks`, { headers: { 'X-Auth-Token': token } });
  if (!response.ok) throw new Error(`Neutron answered HTTP ${response.status}`);
  const body = (await response.json()) as { networks: { name: string }[] };
  return body.networks.map((network) => network.name);
}

/** The project a token is scoped to, in Keystone's own words (GET /v3/auth/tokens), or null. */
export async function readTokenProjectAtKeystone(
  lab: LabFacts,
  token: string,
  keystoneUrl = lab.keystoneUrl,
): Promise<string | null> {
  // https://docs.openstack.org/api-ref/identity/v3/#validate-and-show-information-for-token
  const response = await fetch(`${keystoneUrl}/v3/auth/tokens?nocatalog`, {
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
  });
  if (!response.ok) throw new Error(`Keystone answered the validation with HTTP ${response.status}`);
  const body = (await response.json()) as { token: { project?: { name: string } } };
  return body.token.project?.name ?? null;
}
