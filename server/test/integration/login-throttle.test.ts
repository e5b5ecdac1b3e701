import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession, type ApiAnswer } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 6 "Login throttling per client address and per username": every sign-in attempt, failed or
 * successful, counts; over the budget the BFF answers 429 rate_limited with Retry-After and does
 * not call Keystone. Behind TRUST_PROXY the address is the one the trusted proxy forwarded.
 */

let demo: DemoCloud;
const running: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
});
afterAll(async () => {
  for (const item of running.splice(0).reverse()) await item.close();
  await demo.close();
});

async function testApp(...args: Parameters<typeof startTestApp>): Promise<TestApp> {
  const app = await startTestApp(...args);
  running.push(app);
  return app;
}

function attempt(
  app: TestApp,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  return new ApiSession(app.url).request('POST', '/api/session', body, headers);
}

function expectThrottled(answer: ApiAnswer, maxSeconds = 60): number {
  expect(answer.status, JSON.stringify(answer.body)).toBe(429);
  expect((answer.body as any).error.code).toBe('rate_limited');
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  expect((answer.body as any).error.retryAfter).toBe(retryAfter);
  return retryAfter;
}

describe('login throttling', () => {
  it('counts failed and successful attempts per address, then answers 429 without calling Keystone', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')], {
      loginAttemptsPerMinutePerAddress: 4,
      loginAttemptsPerMinutePerUsername: 1000,
    });
    const password = demo.credentials.password;
    expect((await attempt(app, { cloud: 'demo', password })).status).toBe(201);
    expect((await attempt(app, { cloud: 'demo', password: 'wrong' })).status).toBe(401);
    expect((await attempt(app, { cloud: 'demo', username: 'someone-else', password: 'x' })).status).toBe(401);
    expect((await attempt(app, { cloud: 'demo', password })).status).toBe(201);
    const requests = demo.stats.requests;
    // The right password does not help once the address is over its budget.
    expectThrottled(await attempt(app, { cloud: 'demo', password }));
    expectThrottled(await attempt(app, { cloud: 'demo', username: 'another', password: 'x' }));
    expect(demo.stats.requests).toBe(requests);
    // Other endpoints are not throttled.
    expect((await new ApiSession(app.url).get('/api/clouds')).status).toBe(200);
  });

  it('counts attempts per username across addresses, case folded; other users are not affected', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')], {
      trustProxy: 'loopback',
      loginAttemptsPerMinutePerAddress: 1000,
      loginAttemptsPerMinutePerUsername: 3,
    });
    const from = (address: string) => ({ 'X-Forwarded-For': address });
    const { username, password } = demo.credentials;
    // The cloud's default username is the target when the body names none.
    expect((await attempt(app, { cloud: 'demo', password: 'wrong' }, from('10.0.0.1'))).status).toBe(401);
    expect(
      (
        await attempt(
          app,
          { cloud: 'demo', username: username.toUpperCase(), password: 'x' },
          from('10.0.0.2'),
        )
      ).status,
    ).toBe(401);
    expect((await attempt(app, { cloud: 'demo', username, password }, from('10.0.0.3'))).status).toBe(201);
    const issued = demo.stats.tokensIssued;
    expectThrottled(await attempt(app, { cloud: 'demo', username, password }, from('10.0.0.4')));
    expectThrottled(await attempt(app, { cloud: 'demo', password }, from('10.0.0.5')));
    expect(demo.stats.tokensIssued).toBe(issued);
    // Another user of the same cloud still reaches Keystone (and is refused there).
    const other = await attempt(
      app,
      { cloud: 'demo', username: 'not-demo', password: 'x' },
      from('10.0.0.6'),
    );
    expect(other.status).toBe(401);
    expect((other.body as any).error.code).toBe('invalid_credentials');
  });

  it('takes the address from X-Forwarded-For only behind TRUST_PROXY', async () => {
    const body = { cloud: 'demo', username: 'nobody', password: 'x' };
    const limits = { loginAttemptsPerMinutePerAddress: 2, loginAttemptsPerMinutePerUsername: 1000 };
    const proxied = await testApp([demoCloudConfig(demo, 'demo')], { ...limits, trustProxy: 1 });
    for (let i = 0; i < 2; i += 1)
      expect((await attempt(proxied, body, { 'X-Forwarded-For': '203.0.113.7' })).status).toBe(401);
    expectThrottled(await attempt(proxied, body, { 'X-Forwarded-For': '203.0.113.7' }));
    // A second client behind the same proxy has its own budget.
    expect((await attempt(proxied, body, { 'X-Forwarded-For': '203.0.113.8' })).status).toBe(401);
    // Only the hop the proxy appended counts: a forged left-most entry does not buy a new budget.
    expectThrottled(await attempt(proxied, body, { 'X-Forwarded-For': '1.1.1.1, 203.0.113.7' }));

    // Without TRUST_PROXY the header is the client's own claim and is ignored.
    const direct = await testApp([demoCloudConfig(demo, 'demo')], { ...limits, trustProxy: false });
    expect((await attempt(direct, body, { 'X-Forwarded-For': '198.51.100.1' })).status).toBe(401);
    expect((await attempt(direct, body, { 'X-Forwarded-For': '198.51.100.2' })).status).toBe(401);
    expectThrottled(await attempt(direct, body, { 'X-Forwarded-For': '198.51.100.3' }));
  });

  it('slides: Retry-After counts down to the oldest attempt leaving the minute, then sign-in works again', async () => {
    let now = Date.now();
    const app = await testApp([demoCloudConfig(demo, 'demo')], {
      loginAttemptsPerMinutePerAddress: 1000,
      loginAttemptsPerMinutePerUsername: 2,
      now: () => now,
    });
    const { password } = demo.credentials;
    expect((await attempt(app, { cloud: 'demo', password: 'wrong' })).status).toBe(401);
    now += 20_000;
    expect((await attempt(app, { cloud: 'demo', password: 'wrong' })).status).toBe(401);
    now += 10_000;
    expect(expectThrottled(await attempt(app, { cloud: 'demo', password }))).toBe(30);
    now += 30_001; // the first attempt has left the window
    expect((await attempt(app, { cloud: 'demo', password })).status).toBe(201);
    expect(expectThrottled(await attempt(app, { cloud: 'demo', password }))).toBe(20);
  });
});
