import { readLabFacts } from '../support/lab-facts.js';
import { isValidAtKeystone, labClouds } from '../support/lab.js';
import { describeConformance, type ConformanceUpstream } from '../conformance/conformance-cases.js';

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
    const lab = readLabFacts();
    const demo = lab.users.demo!;
    // The lab script's user `mfa` and demo's application credential (e2e/lab/openstack-lab.sh).
    const mfa = lab.users.mfa;
    const appCredential = lab.applicationCredentials?.demo;
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
      secondFactor:
        mfa?.totpSecret !== undefined
          ? {
              cloudName: 'lab-mfa',
              password: mfa.password,
              totpSecret: mfa.totpSecret,
              user: { id: mfa.id, name: mfa.name },
            }
          : null,
      applicationCredential: appCredential
        ? {
            cloudName: 'lab-appcred',
            id: appCredential.id,
            name: appCredential.name,
            secret: appCredential.secret,
          }
        : null,
      catalogInterfaces: ['public', 'internal', 'admin'],
      // The lab's seed networks (e2e/lab/openstack-lab.sh); one Neutron serves both regions.
      expectedNetworkNames: () => ['public', 'demo-net-1', 'demo-net-2', 'demo-net-3'],
      isTokenValid: isValidAtKeystone,
      setFault: null,
      close: async () => {},
    };
  },
});
