import type { Page } from '@playwright/test';
import { ApiClientAt, getWithoutFollowing } from '../support/https-client.js';
import { expect, loginAttemptsPerMinutePerAddress, test } from '../tls-fixtures.js';

/**
 * The deployment of docs/deploy.md, for real: Debian's nginx terminates TLS (deploy/nginx) in
 * front of two replicas of the production build (deploy/systemd/api-access.env: SECURE_COOKIES,
 * TRUST_PROXY=1, Redis), and an operator works through https:// with the lab cloud.
 */

const sessionCookieName = '__Host-api-access';

test('an operator works through nginx over https: a __Host- Secure cookie and HSTS, a throttle on the real client address, a replica stopped unnoticed, and sign-out clears the cookie', async ({
  page,
  lab,
  tlsDeployment,
  loginPage,
  tokenPage,
  appHeader,
  catalogPage,
  networksPage,
}) => {
  const demo = lab.users.demo!;
  const answersWithoutHsts = watchForAnswersWithoutHsts(page, tlsDeployment.url);

  await test.step('plain http only redirects to the same address over https', async () => {
    const answer = await getWithoutFollowing(`${tlsDeployment.httpUrl}/networks?region=RegionOne`);
    expect(answer.status).toBe(301);
    expect(answer.location).toBe(`https://127.0.0.1:${tlsDeployment.httpsPort}/networks?region=RegionOne`);
  });

  await test.step('a script on another host guesses passwords: forging X-Forwarded-For does not help, it is throttled on the address nginx saw', async () => {
    const guesser = new ApiClientAt(tlsDeployment.url, tlsDeployment.caCertificate, '127.0.0.2');
    const guess = { cloud: 'lab', username: 'nobody-at-all', password: 'a-wrong-guess' };
    const statuses: number[] = [];
    let retryAfter: string | string[] | undefined;
    for (let attempt = 1; attempt <= loginAttemptsPerMinutePerAddress + 1; attempt += 1) {
      // Another invented client address each time: were it believed, every guess would start a
      // fresh budget. nginx replaces the header with the address it sees, and TRUST_PROXY=1 takes that.
      const answer = await guesser.signIn(guess, `198.51.100.${attempt}`);
      statuses.push(answer.status);
      retryAfter = answer.headers['retry-after'];
    }
    expect(statuses).toEqual([...Array<number>(loginAttemptsPerMinutePerAddress).fill(401), 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);

    // A client at another address, even claiming one of the guesser's invented addresses, still
    // reaches Keystone (and hears that the password is wrong): the budget is per real address.
    const neighbour = new ApiClientAt(tlsDeployment.url, tlsDeployment.caCertificate, '127.0.0.3');
    expect((await neighbour.signIn(guess, '198.51.100.1')).status).toBe(401);
  });

  await test.step('the operator signs in over https, undisturbed by the guesser', async () => {
    await loginPage.open();
    await loginPage.signIn({ cloud: 'lab', username: demo.name, password: demo.password });
    await tokenPage.expectOpen();
  });

  await test.step('the session cookie is __Host-api-access: Secure, HttpOnly, SameSite=Strict, Path=/', async () => {
    const cookies = await page.context().cookies(tlsDeployment.url);
    const session = cookies.find((cookie) => cookie.name === sessionCookieName);
    expect(session, `a ${sessionCookieName} cookie`).toBeDefined();
    const { secure, httpOnly, sameSite, path } = session!;
    expect({ secure, httpOnly, sameSite, path }).toEqual({
      secure: true,
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
    });
    // Whatever else the site sets (none today) is held to the same rules, without the session's value.
    for (const other of cookies.filter((cookie) => cookie.name !== sessionCookieName)) {
      expect({ name: other.name, secure: other.secure, sameSite: other.sameSite }, 'another cookie').toEqual({
        name: expect.stringMatching(/^__Host-/) as unknown,
        secure: true,
        sameSite: 'Strict',
      });
    }
  });

  await test.step('one replica stops mid-session (systemctl stop): the operator keeps working and notices nothing', async () => {
    const [stopped, remaining] = tlsDeployment.replicas;
    await stopped.stop();
    expect(stopped.isRunning()).toBe(false);

    await appHeader.catalogLink.click();
    await catalogPage.expectOpen();
    await appHeader.networksLink.click();
    await networksPage.expectLoaded();
    await appHeader.apiAccessLink.click();
    await tokenPage.expectOpen();
    // A POST too: a new token, made through the remaining replica with the session from Redis.
    await tokenPage.reissue();
    await expect(tokenPage.countdown).toHaveText(/^\d{2}:\d{2}:\d{2}$/);

    // Not luck of the round robin: nginx did send requests to the stopped replica, found it
    // refusing, and passed them on to the other one (each answer above was a success).
    expect(tlsDeployment.siteErrorLog()).toContain(`upstream: "${stopped.upstream}/`);
    expect(remaining.isRunning()).toBe(true);
  });

  await test.step('sign out: the answer clears the cookie with the attributes it was set with, and the browser lets go of the session', async () => {
    const signedIn = await sessionCookieValue(page, tlsDeployment.url);
    const signOutAnswer = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === '/api/session' && response.request().method() === 'DELETE',
    );
    await tokenPage.signOut();
    const setCookies = await (await signOutAnswer).headerValues('set-cookie');
    const clearing = setCookies
      .flatMap((header) => header.split('\n'))
      .find((line) => line.startsWith(`${sessionCookieName}=`));
    // Asserted piecewise, so that a failure never prints a cookie value.
    expect(clearing?.startsWith(`${sessionCookieName}=;`), 'the sign-out answer empties the cookie').toBe(
      true,
    );
    const attributes = clearing!
      .split(';')
      .slice(1)
      .map((attribute) => attribute.trim());
    expect(attributes).toEqual(
      expect.arrayContaining([
        'Path=/',
        'HttpOnly',
        'Secure',
        'SameSite=Strict',
        'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      ]),
    );
    const afterwards = await sessionCookieValue(page, tlsDeployment.url);
    expect(afterwards === signedIn, 'the signed-in session cookie is still in the browser').toBe(false);
  });

  await test.step('every answer over https carried Strict-Transport-Security', async () => {
    expect(answersWithoutHsts()).toEqual([]);
  });
});

/** The session cookie's value as the browser holds it, for comparison only (never printed). */
async function sessionCookieValue(page: Page, url: string): Promise<string | undefined> {
  const cookies = await page.context().cookies(url);
  return cookies.find((cookie) => cookie.name === sessionCookieName)?.value;
}

/** Collects the paths of the answers from `origin` that came without an HSTS header. */
function watchForAnswersWithoutHsts(page: Page, origin: string): () => string[] {
  const missing: string[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.origin !== origin) return;
    const hsts = response.headers()['strict-transport-security'];
    if (hsts !== 'max-age=31536000; includeSubDomains') missing.push(`${response.status()} ${url.pathname}`);
  });
  return () => missing;
}
