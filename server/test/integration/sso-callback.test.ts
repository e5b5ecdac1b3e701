import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudConfig } from '../../src/config/clouds-config.js';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { expectSecretsNowhere } from '../support/expect-secrets-nowhere.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 17, the callback's refusals that need no federation: the marker (this browser started
 * SSO here), the Origin (Keystone's own page posted it), the token's shape, and Keystone's word.
 * The demo Keystone issues no federated tokens: the whole sign-in runs against the lab's real
 * federation (test/lab/sign-in-with-sso.lab.test.ts and the e2e story).
 */

let demo: DemoCloud;
let app: TestApp;
let keystoneOrigin: string;

function ssoCloud(base: CloudConfig): CloudConfig {
  return { ...base, websso: { protocol: 'openid', identityProvider: 'labidp', label: 'Demo IdP' } };
}

beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
  keystoneOrigin = new URL(demo.authUrl).origin;
  app = await startTestApp([ssoCloud(demoCloudConfig(demo, 'demo'))], {
    publicUrl: 'https://api-access.example.test',
  });
});
afterAll(async () => {
  await app.close();
  await demo.close();
});

/** A browser that clicked "Sign in with SSO": it holds the marker cookie. */
async function startedBrowser(): Promise<ApiSession> {
  const browser = new ApiSession(app.url);
  const start = await browser.navigate('GET', '/api/sso/demo/start');
  expect(start.status).toBe(303);
  return browser;
}

/** A password token of the demo user: valid at Keystone, but not a federated one. */
async function passwordToken(): Promise<string> {
  const response = await fetch(`${demo.authUrl.replace(/\/v3\/?$/, '')}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: {
              name: demo.credentials.username,
              domain: { name: demo.credentials.userDomainName },
              password: demo.credentials.password,
            },
          },
        },
      },
    }),
  });
  expect(response.status).toBe(201);
  return response.headers.get('x-subject-token')!;
}

describe('GET /api/sso/{cloud}/start', () => {
  it('offers the cloud with its label and sends the browser to Keystone with our callback as origin', async () => {
    const clouds = await new ApiSession(app.url).get('/api/clouds');
    expect(clouds.body.clouds[0]).toMatchObject({ name: 'demo', websso: { label: 'Demo IdP' } });

    const browser = new ApiSession(app.url);
    const start = await browser.navigate('GET', '/api/sso/demo/start');
    expect(start.status).toBe(303);
    const location = new URL(start.location!);
    expect(location.origin).toBe(keystoneOrigin);
    expect(location.pathname).toMatch(
      /\/v3\/auth\/OS-FEDERATION\/identity_providers\/labidp\/protocols\/openid\/websso$/,
    );
    expect(location.searchParams.get('origin')).toBe('https://api-access.example.test/api/sso/callback');
    const marker = start.headers.getSetCookie().find((line) => line.startsWith('api-access.sso='))!;
    expect(marker).toMatch(/HttpOnly/i);
    expect(marker).toMatch(/Path=\/api\/sso/);
    expect(marker).toMatch(/SameSite=Lax/i);
    expect(marker).toMatch(/Max-Age=600/);
    // A start stores nothing: no session cookie, no session.
    expect(browser.sessionCookie).toBeNull();
  });

  it('sends a navigation to an unknown cloud back to the login page, and answers an API client with 404', async () => {
    const browser = new ApiSession(app.url);
    const navigation = await browser.navigate('GET', '/api/sso/nowhere/start');
    expect(navigation.status).toBe(303);
    expect(navigation.location).toBe('/login?sso_error=not_found');
    const api = await browser.get('/api/sso/nowhere/start');
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('not_found');
  });
});

describe('POST /api/sso/callback refuses', () => {
  it('a token posted without an SSO start in this browser (login CSRF), without asking Keystone', async () => {
    const token = await passwordToken();
    const requestsBefore = demo.stats.requests;
    const browser = new ApiSession(app.url);
    const answer = await browser.navigate('POST', '/api/sso/callback', {
      form: { token },
      headers: { Origin: keystoneOrigin },
    });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/login?sso_error=forbidden&sso_reason=not_started');
    expect(browser.sessionCookie).toBeNull();
    expect(demo.stats.requests).toBe(requestsBefore);
    expectSecretsNowhere(app, [token], [answer.body]);
  });

  it('sends a refused "Renew through SSO" back to the signed-in page, whose session holds as it was', async () => {
    const browser = new ApiSession(app.url);
    const signedIn = await browser.post('/api/session', {
      cloud: 'demo',
      username: demo.credentials.username,
      password: demo.credentials.password,
    });
    expect(signedIn.status).toBe(201);
    const answer = await browser.navigate('POST', '/api/sso/callback', {
      form: { token: 'gAAAAABnotarealtoken0123456789' },
      headers: { Origin: keystoneOrigin },
    });
    expect(answer.location).toBe('/?sso_error=forbidden&sso_reason=not_started');
    expect((await browser.get('/api/session')).status).toBe(200);
    await browser.delete('/api/session');
  });

  it('a token posted by another site than Keystone, even in a browser that started SSO', async () => {
    const token = await passwordToken();
    const browser = await startedBrowser();
    const requestsBefore = demo.stats.requests;
    const answer = await fetch(`${app.url}/api/sso/callback`, {
      method: 'POST',
      headers: {
        Cookie: browser.cookieHeader!,
        Origin: 'https://attacker.example',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }).toString(),
    });
    const body = (await answer.json()) as { error: { code: string; message: string } };
    expect(answer.status).toBe(403);
    expect(body.error.code).toBe('forbidden');
    expect(body.error.message).not.toContain(token);
    expect(demo.stats.requests).toBe(requestsBefore);
  });

  it('a marker that was tampered with or spent', async () => {
    const browser = await startedBrowser();
    const cookie = browser.cookieHeader!.replace(
      /api-access\.sso=([^;.]+)\.([^;]+)/,
      'api-access.sso=$1.AAAA$2',
    );
    const tampered = await fetch(`${app.url}/api/sso/callback`, {
      method: 'POST',
      headers: {
        Cookie: cookie,
        Origin: keystoneOrigin,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: 'gAAAAABnotarealtoken0123456789' }).toString(),
    });
    expect(tampered.status).toBe(403);

    // The first post spends the marker, whatever its outcome: the browser is told to drop it, and
    // the server refuses a copy replayed before it expires (without asking Keystone again).
    const copy = browser.cookieHeader!;
    const first = await browser.navigate('POST', '/api/sso/callback', {
      form: { token: 'gAAAAABnotarealtoken0123456789' },
      headers: { Origin: keystoneOrigin },
    });
    expect(first.location).toBe('/login?sso_error=invalid_credentials');
    expect(browser.hasCookie('api-access.sso')).toBe(false);
    const requestsBefore = demo.stats.requests;
    const replay = await fetch(`${app.url}/api/sso/callback`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        Cookie: copy,
        Origin: keystoneOrigin,
        Accept: 'text/html',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: 'gAAAAABnotarealtoken0123456789' }).toString(),
    });
    expect(replay.headers.get('location')).toBe('/login?sso_error=forbidden&sso_reason=replayed');
    expect(demo.stats.requests).toBe(requestsBefore);
  });

  it('a start another site asks for (Sec-Fetch-Site), without a marker', async () => {
    const browser = new ApiSession(app.url);
    for (const site of ['cross-site', 'same-site']) {
      const answer = await browser.navigate('GET', '/api/sso/demo/start', {
        headers: { 'Sec-Fetch-Site': site },
      });
      expect(answer.location).toBe('/login?sso_error=forbidden&sso_reason=cross_site_start');
      expect(browser.hasCookie('api-access.sso')).toBe(false);
    }
    for (const site of ['same-origin', 'none']) {
      const answer = await browser.navigate('GET', '/api/sso/demo/start', {
        headers: { 'Sec-Fetch-Site': site },
      });
      expect(answer.status).toBe(303);
      expect(answer.location).toMatch(/\/websso\?origin=/);
    }
  });

  it('a password sign-in to a cloud that signs in through its identity provider only', async () => {
    const ssoOnly = await startTestApp([
      { ...ssoCloud(demoCloudConfig(demo, 'corp')), authType: 'websso' as const },
    ]);
    try {
      const answer = await new ApiSession(ssoOnly.url).post('/api/session', {
        cloud: 'corp',
        username: demo.credentials.username,
        password: demo.credentials.password,
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.fields).toEqual({ cloud: 'signs in with single sign-on only' });
      expect(answer.body.error.message).toMatch(/Sign in with Demo IdP/);
    } finally {
      await ssoOnly.close();
    }
  });

  it('a token Keystone does not accept, and a valid token that did not come through federation', async () => {
    const unknown = await (
      await startedBrowser()
    ).navigate('POST', '/api/sso/callback', {
      form: { token: 'gAAAAABnotarealtoken0123456789' },
      headers: { Origin: keystoneOrigin },
    });
    expect(unknown.location).toBe('/login?sso_error=invalid_credentials');

    const token = await passwordToken();
    const browser = await startedBrowser();
    const notFederated = await browser.navigate('POST', '/api/sso/callback', {
      form: { token },
      headers: { Origin: keystoneOrigin },
    });
    expect(notFederated.location).toBe('/login?sso_error=invalid_credentials');
    expect(browser.sessionCookie).toBeNull();
    expectSecretsNowhere(app, [token], [notFederated.body]);
  });

  it('malformed input with a 4xx and a readable message, never a 500', async () => {
    const browser = await startedBrowser();
    const cases: { body: string; type: string; status: number }[] = [
      { body: '', type: 'application/x-www-form-urlencoded', status: 400 },
      { body: 'token=%3Cscript%3E', type: 'application/x-www-form-urlencoded', status: 400 },
      { body: `token=${'a'.repeat(5000)}`, type: 'application/x-www-form-urlencoded', status: 400 },
      { body: `token=${'a'.repeat(20_000)}`, type: 'application/x-www-form-urlencoded', status: 413 },
      { body: 'token=a&token=b', type: 'application/x-www-form-urlencoded', status: 400 },
      { body: '{"token":"x"}', type: 'application/json', status: 400 },
    ];
    for (const { body, type, status } of cases) {
      const answer = await fetch(`${app.url}/api/sso/callback`, {
        method: 'POST',
        headers: { Cookie: browser.cookieHeader!, Origin: keystoneOrigin, 'Content-Type': type },
        body,
      });
      expect({ body: body.slice(0, 30), status: answer.status }).toEqual({ body: body.slice(0, 30), status });
      const error = (await answer.json()) as { error: { message: string } };
      expect(error.error.message).toMatch(/\w/);
      expect(error.error.message).not.toMatch(/at .*\.js/);
    }
  });

  it('nothing when Keystone is down: the usual clear error, and no session', async () => {
    // A cloud whose Keystone listens nowhere: a port that was just free.
    const probe = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => probe.once('listening', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const down = {
      ...ssoCloud(demoCloudConfig(demo, 'down')),
      authUrl: `http://127.0.0.1:${port}/v3`,
      identity: { rootUrl: `http://127.0.0.1:${port}`, version: '3' as const },
    };
    const downApp = await startTestApp([down]);
    try {
      const browser = new ApiSession(downApp.url);
      expect((await browser.navigate('GET', '/api/sso/down/start')).status).toBe(303);
      const answer = await browser.navigate('POST', '/api/sso/callback', {
        form: { token: 'gAAAAABnotarealtoken0123456789' },
        headers: { Origin: `http://127.0.0.1:${port}` },
      });
      expect(answer.location).toBe('/login?sso_error=upstream_unavailable');
      expect(browser.sessionCookie).toBeNull();
    } finally {
      await downApp.close();
    }
  });
});
