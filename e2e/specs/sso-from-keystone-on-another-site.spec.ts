import { isTokenValidAtKeystone } from '../support/lab.js';
import { expect, test } from '../tls-fixtures.js';

/**
 * Issue 17 as in production: API Access behind TLS (nginx, SECURE_COOKIES, docs/deploy.md) at
 * https://localhost:8443, and Keystone's WebSSO page at http://127.0.0.1:5100, another site. Keystone's
 * auto-submitted form is then a cross-site POST: it carries the SameSite=None marker, not the
 * SameSite=Strict session cookie (docs/decisions/0016-websso-callback-marker.md). The lab's
 * Keystone trusts this callback (OSLAB_TRUSTED_DASHBOARDS).
 */
test.use({ publicAddress: { publicHost: 'localhost', httpsPort: 8443 } });

test('behind TLS, with Keystone on another site: SSO signs in, renewal retires the earlier token, sign-out revokes', async ({
  page,
  lab,
  federation,
  identityProvider: idp,
  tlsDeployment,
  loginPage,
  projectPickerPage,
  tokenPage,
}) => {
  let first = '';

  await test.step('Sign in with Lab IdP: the marker crosses back with Keystone’s post, and a Secure session begins', async () => {
    await loginPage.startSso({ cloud: federation.cloud, label: 'Lab IdP' });
    await idp.expectOpen();
    await idp.signIn(federation.users.alice);
    await projectPickerPage.expectOpen();
    const cookies = await page.context().cookies(tlsDeployment.url);
    expect(cookies.find((cookie) => cookie.name === '__Host-api-access')).toMatchObject({
      secure: true,
      httpOnly: true,
      sameSite: 'Strict',
    });
    // Taken once: the marker is gone from the browser.
    expect(cookies.some((cookie) => cookie.name === '__Secure-api-access.sso')).toBe(false);
    await projectPickerPage.choose('fed-demo');
    await tokenPage.expectOpen();
    first = await tokenPage.copyToken();
    expect(await isTokenValidAtKeystone(lab, first, federation.keystoneUrl)).toBe(true);
  });

  await test.step('Renew through SSO, cross-site: back on fed-demo, and the earlier session’s token is revoked', async () => {
    await tokenPage.renewThroughSsoLink.click();
    await tokenPage.expectOpen();
    await expect(tokenPage.detail('Project')).toContainText('fed-demo');
    const renewed = await tokenPage.copyToken();
    expect(renewed).not.toBe(first);
    await expect.poll(() => isTokenValidAtKeystone(lab, first, federation.keystoneUrl)).toBe(false);
    await tokenPage.signOut();
    expect(await isTokenValidAtKeystone(lab, renewed, federation.keystoneUrl)).toBe(false);
  });
});
