import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCloud, type DemoCloud, type DemoFault } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 6 "Secrets" and issue 13 item 9 "Redaction": the structured logs never carry a password, a
 * TOTP passcode, an application credential secret, a Keystone token, an auth receipt, a CSRF token
 * or the session cookie. Every endpoint is driven through its failures (bad input, wrong
 * credentials, wrong passcode, reissue with a wrong password or secret, upstream faults from the
 * demo cloud, our own rate limit), with the log level at trace, then the captured log text is
 * searched for every secret value used or seen.
 */

let demo: DemoCloud;
let vk: DemoCloud;
let app: TestApp;

beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
  vk = await startDemoCloud({ profile: 'vk' });
  app = await startTestApp(
    [
      demoCloudConfig(demo, 'demo'),
      demoCloudConfig(demo, 'demo-unscoped', { unscoped: true }),
      demoCloudConfig(demo, 'demo-mfa', { as: 'mfa' }),
      demoCloudConfig(demo, 'demo-appcred', { as: 'application-credential' }),
      demoCloudConfig(vk, 'vk'),
    ],
    {
      upstreamTimeoutMs: 300,
      tokenCreationsPerMinute: 40,
      logLevel: 'trace',
    },
  );
});
afterAll(async () => {
  await app.close();
  await demo.close();
  await vk.close();
});

const upstreamFaults: DemoFault[] = [
  { kind: 'unreachable' },
  { kind: 'slow', delayMs: 1000 },
  { kind: 'status', status: 500 },
  { kind: 'status', status: 502 },
  { kind: 'non-json' },
  { kind: 'huge-body', bytes: 12 * 1024 * 1024 },
  { kind: 'huge-body', bytes: 12 * 1024 * 1024, declareLength: true },
  { kind: 'ignore-limit' },
];

describe('logs', () => {
  it('hold no password, passcode, application credential secret, token, receipt, CSRF token or cookie after every endpoint, failures included', async () => {
    const mfa = demo.credentials.mfa!;
    const appCredential = demo.credentials.applicationCredential!;
    const password = demo.credentials.password;
    const wrongPassword = 'Wr0ng-pa55word-that-must-not-leak';
    const wrongSecret = 'Wr0ng-application-credential-secret-that-must-not-leak';
    /** Long secrets: searched as they are, URL-encoded too. */
    const secrets = new Set<string>([
      password,
      wrongPassword,
      mfa.password,
      mfa.totpSecret,
      appCredential.secret,
      wrongSecret,
    ]);
    /** Six digits: searched as a JSON string or a query value, as a log would carry them. */
    const passcodes = new Set<string>(['918273']);
    const cookies = new Set<string>();
    const remember = async (api: ApiSession) => {
      const secret = await api.get('/api/token/secret');
      if (secret.status === 200) secrets.add(secret.body.token as string);
      const csrf = await api.get('/api/csrf');
      if (csrf.status === 200 && typeof csrf.body.csrfToken === 'string') secrets.add(csrf.body.csrfToken);
      // Each cookie on its own (the session and the CSRF cookie), as `name=value`.
      for (const pair of api.cookieHeader?.split('; ') ?? []) cookies.add(pair);
    };
    const passcodeNow = () => {
      const passcode = demo.currentPasscode()!;
      passcodes.add(passcode);
      return passcode;
    };

    // Anonymous: every endpoint without a session, and bad input carrying secrets.
    const anonymous = new ApiSession(app.url);
    for (const path of [
      '/api/clouds',
      '/api/health',
      '/api/ready',
      '/api/csrf',
      '/api/session',
      '/api/token',
      '/api/token/secret',
      '/api/tokens',
      '/api/projects',
      '/api/scopes',
      '/api/catalog',
      '/api/networks',
    ])
      await anonymous.get(path);
    await anonymous.post('/api/session/mfa', { passcode: '918273' });
    await anonymous.post('/api/token/reissue', { password, passcode: '918273' });
    await anonymous.post('/api/session/project', { projectId: 'abc' });
    await anonymous.post('/api/session/scope', { kind: 'system' });
    await anonymous.post('/api/inspector', { token: password });
    await anonymous.delete('/api/tokens/0123456789abcdef');
    await anonymous.delete('/api/session');
    await anonymous.post('/api/session', { cloud: 'demo', password: wrongPassword });
    await anonymous.post('/api/session', { cloud: 'demo', password: wrongPassword, bogus: password });
    await anonymous.post('/api/session', { cloud: 'demo', password, passcode: 'not-digits' });
    await anonymous.post('/api/session', {
      cloud: 'demo-appcred',
      applicationCredentialSecret: wrongSecret,
      password: wrongPassword,
    });
    await anonymous.post('/api/session', { cloud: 'nowhere', password });
    await anonymous.request('POST', '/api/session', undefined, {
      'Content-Type': 'application/json',
      'X-Auth-Token': password,
    });
    // Truncated JSON (body-parser keeps the raw text on its error), and no CSRF token at all.
    await fetch(`${app.url}/api/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: `{"cloud":"demo","password":"${password}"`,
    });
    expect(
      (await anonymous.send('POST', '/api/session', { cloud: 'demo', password }, {}, false)).status,
    ).toBe(403);

    // Password sign-in, then every endpoint signed in.
    const api = new ApiSession(app.url);
    expect((await api.post('/api/session', { cloud: 'demo', password })).status).toBe(201);
    await remember(api);
    expect((await api.post('/api/token/reissue', {})).status).toBe(200);
    await remember(api);
    expect((await api.post('/api/token/reissue', { password: wrongPassword })).status).toBe(401);
    expect((await api.post('/api/token/reissue', { applicationCredentialSecret: wrongSecret })).status).toBe(
      401,
    );
    await api.post('/api/session/mfa', { passcode: '918273' });
    await api.get('/api/token');
    await api.get('/api/session');
    await api.get('/api/tokens');
    await api.get('/api/catalog');
    await api.get('/api/projects');
    await api.get('/api/networks?limit=2');
    await api.get('/api/networks?limit=abc');
    await api.get('/api/networks?interface=admin');
    await api.get('/api/networks?marker=00000000-0000-4000-8000-00000000dead');
    await api.post('/api/session/project', { projectId: 'no-such-project' });
    expect(
      (
        await api.post('/api/session/project', {
          projectId: (await api.get('/api/projects')).body.projects[1].id,
        })
      ).status,
    ).toBe(200);
    await remember(api);
    const tokens = (await api.get('/api/tokens')).body.tokens as { id: string; isCurrent: boolean }[];
    expect((await api.delete(`/api/tokens/${tokens.find((token) => !token.isCurrent)!.id}`)).status).toBe(
      204,
    );
    await api.delete('/api/tokens/ffffffffffffffff');
    // The inspector: pasted tokens (this session's own, the previous one, and a made-up one).
    await api.get('/api/scopes');
    await api.post('/api/session/scope', { kind: 'system' });
    for (const secret of [...secrets]) {
      await api.post('/api/inspector', { token: secret });
      await api.post('/api/inspector', { token: secret, allowExpired: false });
    }
    await api.post('/api/inspector', { token: `${password}-pasted` });
    await api.post('/api/inspector', { tokenId: tokens[0]!.id });
    await api.request('GET', '/api/token', undefined, {
      'X-Auth-Token': [...secrets].at(-1)!,
      Authorization: `Bearer ${password}`,
    });

    // Second factor: the password step (receipt), wrong passcodes, the right one, reissues.
    const mfaApi = new ApiSession(app.url);
    const pending = await mfaApi.post('/api/session', { cloud: 'demo-mfa', password: mfa.password });
    expect(pending.body.error.code).toBe('mfa_required');
    expect((await mfaApi.post('/api/session/mfa', { passcode: '918273' })).status).toBe(401);
    expect((await mfaApi.post('/api/session/mfa', { passcode: passcodeNow() })).status).toBe(201);
    await remember(mfaApi);
    expect((await mfaApi.post('/api/token/reissue', {})).body.error.code).toBe('mfa_required');
    expect((await mfaApi.post('/api/token/reissue', { passcode: '918273' })).status).toBe(401);
    expect(
      (await mfaApi.post('/api/token/reissue', { password: wrongPassword, passcode: passcodeNow() })).status,
    ).toBe(401);
    expect((await mfaApi.post('/api/token/reissue', { passcode: passcodeNow() })).status).toBe(200);
    await remember(mfaApi);
    // Password and passcode in one request, a wrong one first.
    const mfaOneStep = new ApiSession(app.url);
    await mfaOneStep.post('/api/session', { cloud: 'demo-mfa', password: mfa.password, passcode: '918273' });
    expect(
      (
        await mfaOneStep.post('/api/session', {
          cloud: 'demo-mfa',
          password: mfa.password,
          passcode: passcodeNow(),
        })
      ).status,
    ).toBe(201);
    await remember(mfaOneStep);

    // Application credential: wrong secret, right secret, reissue with a wrong and the kept one.
    const appApi = new ApiSession(app.url);
    expect(
      (await appApi.post('/api/session', { cloud: 'demo-appcred', applicationCredentialSecret: wrongSecret }))
        .status,
    ).toBe(401);
    expect(
      (
        await appApi.post('/api/session', {
          cloud: 'demo-appcred',
          applicationCredentialSecret: appCredential.secret,
        })
      ).status,
    ).toBe(201);
    await remember(appApi);
    expect(
      (await appApi.post('/api/token/reissue', { applicationCredentialSecret: wrongSecret })).status,
    ).toBe(401);
    expect((await appApi.post('/api/token/reissue', {})).status).toBe(200);
    await remember(appApi);
    await appApi.post('/api/session/project', { projectId: 'other' });

    // Upstream faults while signed in and at each kind of sign-in.
    for (const fault of upstreamFaults) {
      demo.setFault(fault, 'all');
      await api.get('/api/networks');
      await api.get('/api/projects');
      await api.post('/api/token/reissue', {});
      await appApi.post('/api/token/reissue', {});
      await mfaApi.post('/api/token/reissue', { passcode: passcodeNow() });
      await new ApiSession(app.url).post('/api/session', { cloud: 'demo', password });
      await new ApiSession(app.url).post('/api/session', {
        cloud: 'demo-appcred',
        applicationCredentialSecret: appCredential.secret,
      });
      const mfaFault = new ApiSession(app.url);
      await mfaFault.post('/api/session', { cloud: 'demo-mfa', password: mfa.password });
      await mfaFault.post('/api/session/mfa', { passcode: passcodeNow() });
      demo.setFault(null);
    }
    demo.setFault({ kind: 'rate-limit', retryAfterSeconds: 3 }, 'all');
    await api.post('/api/token/reissue', {});
    await api.get('/api/networks');
    demo.setFault(null);
    // Neutron refusing the token: renew once, retry once.
    demo.setFault({ kind: 'status', status: 401 }, 'neutron');
    await api.get('/api/networks');
    demo.setFault(null);
    await remember(api);
    await remember(mfaApi);
    await remember(appApi);

    // Unscoped, then a project; VK (catalog fetched with the token).
    const unscoped = new ApiSession(app.url);
    expect((await unscoped.post('/api/session', { cloud: 'demo-unscoped', password })).status).toBe(201);
    await remember(unscoped);
    await unscoped.get('/api/projects');
    await unscoped.get('/api/catalog');
    await unscoped.get('/api/networks');
    const vkApi = new ApiSession(app.url);
    expect(
      (await vkApi.post('/api/session', { cloud: 'vk', password: vk.credentials.password })).status,
    ).toBe(201);
    secrets.add(vk.credentials.password);
    await remember(vkApi);
    await vkApi.get('/api/catalog');
    await vkApi.get('/api/networks');

    // Our own budget (40 per minute) runs out.
    for (let i = 0; i < 40; i += 1) await api.post('/api/token/reissue', {});
    await remember(api);

    for (const session of [api, mfaApi, mfaOneStep, appApi, unscoped, vkApi]) {
      const cookie = session.sessionCookie;
      expect((await session.delete('/api/session')).status).toBe(200);
      if (cookie) cookies.add(cookie);
    }
    // A stale cookie after logout.
    await new ApiSession(app.url).request('GET', '/api/token', undefined, {
      Cookie: [...cookies].find((pair) => pair.startsWith('api-access.sid='))!,
    });

    const receipts = demo.issuedReceipts();
    expect(receipts.length).toBeGreaterThanOrEqual(2);
    for (const receipt of receipts) secrets.add(receipt);

    const logs = app.logs();
    const lines = logs.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(200);
    // The trace level was on, and the failures happened.
    for (const status of [400, 401, 403, 404, 429, 502, 503, 504])
      expect(logs, `no ${status} in the logs`).toContain(`"status":${status}`);
    expect(secrets.size).toBeGreaterThanOrEqual(20);
    expect(passcodes.size).toBeGreaterThanOrEqual(2);
    expect(cookies.size).toBeGreaterThanOrEqual(6);
    for (const secret of secrets) {
      expect(logs.includes(secret), `secret ${secret.slice(0, 6)}… is in the logs`).toBe(false);
      expect(logs.includes(encodeURIComponent(secret))).toBe(false);
      expect(logs.includes(JSON.stringify(secret).slice(1, -1))).toBe(false);
    }
    for (const passcode of passcodes) {
      for (const needle of [`"${passcode}"`, `=${passcode}`, `:${passcode},`, `:${passcode}}`])
        expect(logs.includes(needle), `passcode ${needle} is in the logs`).toBe(false);
    }
    for (const cookie of cookies) {
      const value = cookie.slice(cookie.indexOf('=') + 1);
      const sessionId = decodeURIComponent(value).replace(/^s:/, '').split('.')[0]!;
      expect(sessionId.length).toBeGreaterThan(20);
      for (const needle of [value, decodeURIComponent(value), sessionId]) {
        expect(logs.includes(needle), `cookie ${needle.slice(0, 6)}… is in the logs`).toBe(false);
      }
    }
  });
});
