import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession, type ApiAnswer } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issues 6 and 13 (item 1) "Login throttling": only failed credential checks count (Keystone
 * refused the password or the passcode), after input validation, per client address (IPv6 by /64)
 * and per user of a cloud; over the budget the BFF answers 429 rate_limited with Retry-After and
 * does not call Keystone. Successful sign-ins count against nothing but the token budget. Behind
 * TRUST_PROXY the address is the one the trusted proxy forwarded.
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

/** The limits a deployment gets without setting anything. */
const { loginAttemptsPerMinutePerAddress, loginAttemptsPerMinutePerUsername } = loadConfig({
  SESSION_SECRET: 'a-session-secret-for-the-defaults-0123456789',
});
const defaultLimits = { loginAttemptsPerMinutePerAddress, loginAttemptsPerMinutePerUsername };

describe('login throttling', () => {
  it('does not lock a user out with fifteen password-less requests naming it', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')], defaultLimits);
    const { username, password } = demo.credentials;
    for (let i = 0; i < 15; i += 1) {
      const answer = await attempt(app, { cloud: 'demo', username });
      expect(answer.status).toBe(400);
      expect((answer.body as any).error.code).toBe('invalid_input');
    }
    expect((await attempt(app, { cloud: 'demo', username, password })).status).toBe(201);
  });

  it('does not lock a user out with many successful sign-ins (several tabs, a team behind one NAT)', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')], defaultLimits);
    const { username, password } = demo.credentials;
    for (let i = 0; i < 2 * defaultLimits.loginAttemptsPerMinutePerAddress; i += 1)
      expect((await attempt(app, { cloud: 'demo', username, password })).status).toBe(201);
  });

  it('counts wrong passwords per address; then 429 without calling Keystone, even with the right password', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')], {
      loginAttemptsPerMinutePerAddress: 4,
      loginAttemptsPerMinutePerUsername: 1000,
    });
    const password = demo.credentials.password;
    expect((await attempt(app, { cloud: 'demo', password })).status).toBe(201);
    expect((await attempt(app, { cloud: 'demo', password: 'wrong' })).status).toBe(401);
    expect((await attempt(app, { cloud: 'demo', username: 'someone-else', password: 'x' })).status).toBe(401);
    expect((await attempt(app, { cloud: 'demo', password })).status).toBe(201);
    expect((await attempt(app, { cloud: 'demo', password: 'wrong' })).status).toBe(401);
    expect((await attempt(app, { cloud: 'demo', username: 'a-third', password: 'x' })).status).toBe(401);
    const requests = demo.stats.requests;
    // Four failures: the right password does not help once the address is over its budget.
    expectThrottled(await attempt(app, { cloud: 'demo', password }));
    expectThrottled(await attempt(app, { cloud: 'demo', username: 'another', password: 'x' }));
    expect(demo.stats.requests).toBe(requests);
    // Other endpoints are not throttled.
    expect((await new ApiSession(app.url).get('/api/clouds')).status).toBe(200);
  });

  it('counts wrong passwords per username across addresses, case folded; other users are not affected', async () => {
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
    expect((await attempt(app, { cloud: 'demo', username, password: 'y' }, from('10.0.0.3'))).status).toBe(
      401,
    );
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

  it('counts wrong passcodes against the user of the pending sign-in; the right password alone counts nothing', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo-mfa', { as: 'mfa' })], {
      trustProxy: 'loopback',
      loginAttemptsPerMinutePerAddress: 1000,
      loginAttemptsPerMinutePerUsername: 3,
    });
    const mfa = demo.credentials.mfa!;
    const api = new ApiSession(app.url);
    const from = (address: string) => ({ 'X-Forwarded-For': address });
    for (let i = 0; i < 5; i += 1) {
      const held = await api.request(
        'POST',
        '/api/session',
        { cloud: 'demo-mfa', password: mfa.password },
        from('10.1.0.1'),
      );
      expect((held.body as any).error.code).toBe('mfa_required');
    }
    for (let i = 0; i < 3; i += 1) {
      const wrong = await api.request(
        'POST',
        '/api/session/mfa',
        { passcode: '000000' },
        from(`10.1.0.${i + 2}`),
      );
      expect((wrong.body as any).error.code).toBe('invalid_credentials');
    }
    expectThrottled(
      await api.request('POST', '/api/session/mfa', { passcode: demo.currentPasscode()! }, from('10.1.0.9')),
    );
    // The password step of the same user is over the budget too.
    expectThrottled(
      await new ApiSession(app.url).request(
        'POST',
        '/api/session',
        { cloud: 'demo-mfa', password: mfa.password },
        from('10.1.0.10'),
      ),
    );
  });

  it('groups IPv6 addresses by /64: two addresses of one /64 share a budget, another /64 has its own', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')], {
      trustProxy: 'loopback',
      loginAttemptsPerMinutePerAddress: 2,
      loginAttemptsPerMinutePerUsername: 1000,
    });
    const guess = (address: string, user: string) =>
      attempt(app, { cloud: 'demo', username: user, password: 'x' }, { 'X-Forwarded-For': address });
    expect((await guess('2001:db8:1:2::1', 'a')).status).toBe(401);
    expect((await guess('2001:db8:1:2:ffff:ffff:ffff:fffe', 'b')).status).toBe(401);
    expectThrottled(await guess('2001:db8:1:2:1234::77', 'c'));
    expect((await guess('2001:db8:1:3::1', 'd')).status).toBe(401);
    // IPv4 clients (also as IPv4-mapped IPv6) keep one budget per address.
    expect((await guess('192.0.2.1', 'e')).status).toBe(401);
    expect((await guess('::ffff:192.0.2.2', 'f')).status).toBe(401);
    expect((await guess('192.0.2.2', 'g')).status).toBe(401);
    expectThrottled(await guess('::ffff:192.0.2.2', 'h'));
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

  it('lifts at the end of the window: Retry-After counts down to it, refused attempts do not extend it', async () => {
    const windowMs = 1500;
    const app = await testApp([demoCloudConfig(demo, 'demo')], {
      loginAttemptsPerMinutePerAddress: 1000,
      loginAttemptsPerMinutePerUsername: 2,
      loginThrottleWindowMs: windowMs,
    });
    const { password } = demo.credentials;
    const started = Date.now();
    expect((await attempt(app, { cloud: 'demo', password: 'wrong' })).status).toBe(401);
    expect((await attempt(app, { cloud: 'demo', password: 'wrong' })).status).toBe(401);
    expect(expectThrottled(await attempt(app, { cloud: 'demo', password }), 2)).toBeLessThanOrEqual(2);
    expectThrottled(await attempt(app, { cloud: 'demo', password }), 2);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + windowMs + 100 - Date.now())));
    expect((await attempt(app, { cloud: 'demo', password })).status).toBe(201);
  });
});
