import { describeProfile, demoProfiles, type DemoProfile } from '../../src/demo-cloud/demo-profiles.js';
import { startDemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import {
  describeConformance,
  type ConformanceTarget,
  type ConformanceUpstream,
} from './conformance-cases.js';

/**
 * The conformance suite against each demo profile: the behaviours the seed clouds document
 * (../../../../shared/seeds) that a local Keystone 22 cannot show (v2.0, 429, a catalog-less token
 * body, 24 h tokens, other URL forms), plus the faults only a demo cloud can switch on.
 */

/** Networks per project and region: with the external one, enough for three pages of two. */
const networkCount = 5;

function demoTarget(profile: DemoProfile): ConformanceTarget {
  const spec = describeProfile(profile);
  return {
    name: `demo cloud, ${profile} profile`,
    // NHN (v2.0) does not revoke: DELETE /v2.0/tokens/{id} answers 501 there.
    revocation: spec.identityApiVersion === '3' || spec.isV2RevokeSupported ? 'confirmed' : 'best-effort',
    upstreamTokenCreationsPerMinute: Number.isFinite(spec.tokenCreationsPerMinute)
      ? spec.tokenCreationsPerMinute
      : null,
    async start(): Promise<ConformanceUpstream> {
      const demo = await startDemoCloud({ profile, networkCount });
      const isV3 = demo.identityApiVersion === '3';
      const clouds = [demoCloudConfig(demo, 'demo')];
      if (isV3) clouds.push(demoCloudConfig(demo, 'demo-unscoped', { unscoped: true }));
      const { mfa, applicationCredential } = demo.credentials;
      if (mfa) clouds.push(demoCloudConfig(demo, 'demo-mfa', { as: 'mfa' }));
      if (applicationCredential)
        clouds.push(demoCloudConfig(demo, 'demo-appcred', { as: 'application-credential' }));
      const [first, second] = spec.projects;
      const digits = Math.max(4, String(networkCount).length);
      return {
        clouds,
        cloudName: 'demo',
        unscopedCloudName: isV3 ? 'demo-unscoped' : null,
        password: demo.credentials.password,
        user: {
          id: demo.credentials.userId,
          name: demo.credentials.username,
          domain: isV3 ? { id: spec.domain.id, name: spec.domain.name } : null,
        },
        projects: [
          { id: first.id, name: first.name },
          { id: second.id, name: second.name },
        ],
        regions: demo.regions,
        identityApiVersion: demo.identityApiVersion,
        lifetimeSeconds: spec.tokenLifetimeSeconds,
        // The default profile has both, as the lab does (demo-profiles.ts).
        secondFactor: mfa
          ? {
              cloudName: 'demo-mfa',
              password: mfa.password,
              totpSecret: mfa.totpSecret,
              user: { id: mfa.userId, name: mfa.username },
            }
          : null,
        applicationCredential: applicationCredential
          ? { cloudName: 'demo-appcred', ...applicationCredential }
          : null,
        catalogInterfaces: spec.isV2CatalogPublicOnly ? ['public'] : ['public', 'internal', 'admin'],
        // network-inventory.ts: the external `public` network and `net-<region>-0001`.. per project.
        expectedNetworkNames: (region) => ['public', `net-${region}-${'1'.padStart(digits, '0')}`],
        isTokenValid: async (token) => demo.isTokenValid(token),
        setFault: (fault, target) => demo.setFault(fault, target),
        close: () => demo.close(),
      };
    },
  };
}

for (const profile of demoProfiles) describeConformance(demoTarget(profile));
