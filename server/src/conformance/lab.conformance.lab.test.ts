import { isValidAtKeystone, labClouds, readLab } from '../test-support/lab.js';
import { describeConformance, type ConformanceUpstream } from './conformance-cases.js';

/**
 * The conformance suite against the real lab: Keystone 22 + Neutron 21 (npm run lab -- start).
 * Faults and an upstream 429 cannot be switched on here; they are skipped with a reason and
 * covered on the demo profiles (demo-profiles.conformance.test.ts).
 */

describeConformance({
  name: 'the real lab (Keystone 22 + Neutron 21)',
  revocation: 'confirmed',
  upstreamTokenCreationsPerMinute: null,
  // Keystone hashes the password on each sign-in; on a busy 2-core machine that takes a while.
  upstreamTimeoutMs: 15_000,
  async start(): Promise<ConformanceUpstream> {
    const lab = readLab();
    const demo = lab.users.demo!;
    const project = (name: string) => ({ id: lab.projects[name]!.id, name });
    return {
      clouds: labClouds(),
      cloudName: 'lab',
      unscopedCloudName: 'lab-unscoped',
      password: demo.password,
      user: { id: demo.id, name: demo.name, domain: { id: 'default', name: 'Default' } },
      projects: [project('demo'), project('other')],
      regions: lab.regions,
      identityApiVersion: '3',
      lifetimeSeconds: (lab as { tokenExpirationSeconds?: number }).tokenExpirationSeconds ?? 3600,
      catalogInterfaces: ['public', 'internal', 'admin'],
      // The lab's seed networks (e2e/lab/openstack-lab.sh); one Neutron serves both regions.
      expectedNetworkNames: () => ['public', 'demo-net-1', 'demo-net-2', 'demo-net-3'],
      isTokenValid: isValidAtKeystone,
      setFault: null,
      close: async () => {},
    };
  },
});
