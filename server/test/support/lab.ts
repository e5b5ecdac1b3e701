import { readLabFacts } from './lab-facts.js';
import { loadCloudsFile, type CloudConfig } from '../../src/config/clouds-config.js';

// lab.json's one schema and reader are in lab-facts.ts; these helpers ask the lab's Keystone and
// Neutron directly, for tests that compare the BFF with them.

export function labClouds(): CloudConfig[] {
  return loadCloudsFile(readLabFacts().cloudsYaml).clouds;
}

/** Asks the real Keystone whether a token is valid: a user may validate its own token with itself. */
export async function isValidAtKeystone(token: string): Promise<boolean> {
  // https://docs.openstack.org/api-ref/identity/v3/#validate-and-show-information-for-token
  const response = await fetch(`${readLabFacts().keystoneUrl}/v3/auth/tokens?nocatalog`, {
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
  });
  if (response.status === 200) return true;
  if (response.status === 401 || response.status === 404) return false;
  throw new Error(`Keystone answered the validation with HTTP ${response.status}`);
}

/** Networks straight from Neutron for a token, all pages: what the BFF must agree with. */
export async function listNetworksAtNeutron(token: string): Promise<{ id: string; name: string }[]> {
  // https://docs.openstack.org/api-ref/network/v2/#list-networks
  const response = await fetch(`${readLabFacts().neutronUrl}/v2.0/networks`, {
    headers: { 'X-Auth-Token': token },
  });
  if (!response.ok) throw new Error(`Neutron answered HTTP ${response.status}`);
  return ((await response.json()) as { networks: { id: string; name: string }[] }).networks;
}
