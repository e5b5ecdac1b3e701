import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { describeSignOutRevokesEveryToken } from '../support/sign-out-scenarios.js';
import { startTestApp } from '../support/test-app.js';

// The same scenarios against the real lab: test/lab/sign-out-revokes-every-token.lab.test.ts.
async function demoTarget(options: { redis?: boolean } = {}) {
  const demo: DemoCloud = await startDemoCloud();
  const redis: TestRedis | null = options.redis ? await startTestRedis() : null;
  return {
    keystoneUrl: demo.authUrl.replace(/\/v3\/?$/, ''),
    cloud: demoCloudConfig(demo),
    password: demo.credentials.password,
    startApp: (clouds: Parameters<typeof startTestApp>[0]) =>
      startTestApp(clouds, redis ? { redisUrl: redis.url } : {}),
    close: async () => {
      await demo.close();
      await redis?.stop();
    },
  };
}

describeSignOutRevokesEveryToken('demo cloud, SQLite store', () => demoTarget());
describeSignOutRevokesEveryToken('demo cloud, Redis store', () => demoTarget({ redis: true }));
