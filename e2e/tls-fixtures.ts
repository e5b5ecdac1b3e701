import { expect, test as base } from './fixtures.js';
import { startTlsDeployment, type DeploymentOptions, type TlsDeployment } from './support/tls-deployment.js';

/** Low enough for a story to reach: the fourth sign-in attempt from one address in a minute is refused. */
export const loginAttemptsPerMinutePerAddress = 3;

interface TlsFixtures {
  /** Where browsers reach nginx (`test.use` it for a fixed name and port): 127.0.0.1 and a free port. */
  publicAddress: Pick<DeploymentOptions, 'publicHost' | 'httpsPort'>;
  /** nginx over https in front of two BFF replicas sharing Redis (docs/deploy.md), for this test alone. */
  tlsDeployment: TlsDeployment;
}

export const test = base.extend<TlsFixtures>({
  publicAddress: [{}, { option: true }],
  tlsDeployment: [
    async ({ publicAddress }, use) => {
      const deployment = await startTlsDeployment({ loginAttemptsPerMinutePerAddress, ...publicAddress });
      try {
        await use(deployment);
      } finally {
        await deployment.close();
      }
    },
    { timeout: 60_000 },
  ],
  baseURL: async ({ tlsDeployment }, use) => {
    await use(tlsDeployment.url);
  },
  // The certificate comes from a CA made for this test, which Chromium does not know; the Node
  // clients of the story verify the chain with that CA instead.
  // eslint-disable-next-line no-empty-pattern
  ignoreHTTPSErrors: async ({}, use) => {
    await use(true);
  },
});

export { expect };
