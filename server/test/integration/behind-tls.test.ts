import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { testAppsClosedAfterAll, type TestApp } from '../support/test-app.js';

/**
 * Issue 13, item 7: the BFF behind a TLS-terminating proxy (SECURE_COOKIES=true, TRUST_PROXY),
 * as docs/deploy.md sets it up. Every request here carries X-Forwarded-Proto: https from the
 * trusted proxy (loopback), as nginx sends it. The same story runs through a real nginx in
 * e2e/specs/tls-deployment.spec.ts.
 */

let demo: DemoCloud;
beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
});
afterAll(() => demo.close());
const testApp = testAppsClosedAfterAll();

async function appBehindTls(): Promise<TestApp> {
  return testApp([demoCloudConfig(demo, 'demo')], { secureCookies: true, trustProxy: 'loopback' });
}

/** One request as nginx forwards it after terminating TLS. */
async function viaProxy(
  app: TestApp,
  method: string,
  path: string,
  options: { cookie?: string; csrfToken?: string; json?: unknown } = {},
): Promise<Response> {
  return fetch(`${app.url}${path}`, {
    method,
    headers: {
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-For': '192.0.2.10',
      ...(options.json === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(options.cookie ? { Cookie: options.cookie } : {}),
      ...(options.csrfToken ? { 'X-CSRF-Token': options.csrfToken } : {}),
    },
    ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
  });
}

function sessionCookieLine(response: Response): string {
  const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith('__Host-api-access='));
  expect(line, 'a Set-Cookie for __Host-api-access').toBeDefined();
  return line!;
}

/** The attribute names of a Set-Cookie line, without the lifetime ones (a clearing line must expire). */
function attributesBesidesLifetime(line: string): string[] {
  return line
    .split(';')
    .slice(1)
    .map((attribute) => attribute.trim())
    .filter((attribute) => !/^(expires|max-age)=/i.test(attribute))
    .sort();
}

describe('behind TLS (SECURE_COOKIES=true, TRUST_PROXY)', () => {
  it('sends Strict-Transport-Security on every answer that came over TLS, and none over plain HTTP', async () => {
    const app = await appBehindTls();
    for (const path of ['/api/health', '/api/csrf', '/api/no-such-route', '/']) {
      const answer = await viaProxy(app, 'GET', path);
      expect(answer.headers.get('strict-transport-security'), path).toBe(
        'max-age=31536000; includeSubDomains',
      );
    }
    // Over plain HTTP (a laptop, no proxy) a browser ignores HSTS anyway; a development server
    // on http://127.0.0.1 must not send it.
    const plain = await testApp([demoCloudConfig(demo, 'demo')]);
    const answer = await fetch(`${plain.url}/api/health`);
    expect(answer.headers.get('strict-transport-security')).toBeNull();
  });

  it('signs out with a Set-Cookie that clears __Host-api-access: the attributes it was set with (Secure, Path=/), expired', async () => {
    const app = await appBehindTls();
    // Before sign-in only the CSRF cookie exists (no session is stored for a visitor).
    const csrfAnswer = await viaProxy(app, 'GET', '/api/csrf');
    const { csrfToken } = (await csrfAnswer.json()) as { csrfToken: string };
    const csrfCookie = (answer: Response) =>
      answer.headers
        .getSetCookie()
        .find((line) => line.startsWith('__Host-api-access.csrf='))!
        .split(';')[0]!;
    const anonymousCookie = csrfCookie(csrfAnswer);

    const signIn = await viaProxy(app, 'POST', '/api/session', {
      cookie: anonymousCookie,
      csrfToken,
      json: { cloud: 'demo', password: demo.credentials.password },
    });
    expect(signIn.status).toBe(201);
    const setLine = sessionCookieLine(signIn);
    // The CSRF token rotated with the new session id: fetch the new one, as the SPA does.
    let cookie = `${setLine.split(';')[0]!}; ${csrfCookie(signIn)}`;
    const rotated = await viaProxy(app, 'GET', '/api/csrf', { cookie });
    const newToken = ((await rotated.json()) as { csrfToken: string }).csrfToken;
    cookie = `${setLine.split(';')[0]!}; ${csrfCookie(rotated)}`;

    const signOut = await viaProxy(app, 'DELETE', '/api/session', { cookie, csrfToken: newToken });
    expect(signOut.status).toBe(200);
    const clearLine = sessionCookieLine(signOut);
    expect(clearLine).toMatch(/^__Host-api-access=;/);
    expect(clearLine).toMatch(/; Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
    // A browser drops a __Host- cookie line without Secure and Path=/: the cookie would stay.
    expect(clearLine).toMatch(/; Secure/);
    expect(clearLine).toMatch(/; Path=\//);
    expect(clearLine).not.toMatch(/Domain=/i);
    expect(attributesBesidesLifetime(clearLine)).toEqual(attributesBesidesLifetime(setLine));
  });
});
