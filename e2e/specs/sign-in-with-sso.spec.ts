import { expect, test } from '../fixtures.js';
import { expectNoSeriousA11yViolations } from '../support/a11y.js';
import { expectVisibleFocus, tabTo } from '../support/keyboard.js';
import { isTokenValidAtKeystone, readTokenProjectAtKeystone } from '../support/lab.js';

/**
 * Issue 17: "Sign in with SSO" through Keystone federation (WebSSO over OpenID Connect), against the
 * lab's real federation: Keystone 22 behind Apache with mod_auth_openidc, and an OpenID Connect
 * provider on loopback whose `groups` claim the mapping turns into projects (e2e/lab/README.md).
 */

test('an operator signs in with SSO, gets exactly the mapped project, copies a token Keystone accepts, and sign-out revokes it', async ({
  page,
  lab,
  federation,
  identityProvider: idp,
  loginPage,
  projectPickerPage,
  tokenPage,
}) => {
  const alice = federation.users.alice;
  let copied = '';

  await test.step('the SSO-only cloud shows no password form, only "Sign in with Lab IdP"', async () => {
    await loginPage.openFor(federation.cloud);
    await expect(loginPage.password).toHaveCount(0);
    await expect(page.getByText(/ends on a Keystone error page/)).toBeVisible();
    await loginPage.ssoLink('Lab IdP').click();
  });

  await test.step("the identity provider's own form: a wrong password is refused there, the right one goes on", async () => {
    await idp.expectOpen();
    await idp.signIn({ name: alice.name, password: 'not-her-password' });
    await expect(idp.failure).toBeVisible();
    await idp.signIn(alice);
  });

  await test.step('back on API Access: the picker offers exactly the projects her group maps to', async () => {
    await projectPickerPage.expectOpen();
    await expect(projectPickerPage.chooseButton('fed-demo')).toBeVisible();
    await expect(page.getByRole('button', { name: /^Use this project: / })).toHaveCount(
      alice.projects.length,
    );
    await projectPickerPage.choose('fed-demo');
  });

  await test.step('a project token: Keystone accepts the copy, scoped to fed-demo; renewal goes through SSO', async () => {
    await tokenPage.expectOpen();
    await expect(tokenPage.renewThroughSsoLink).toBeVisible();
    await expect(tokenPage.reissueButton).toHaveCount(0);
    copied = await tokenPage.copyToken();
    expect(await isTokenValidAtKeystone(lab, copied, federation.keystoneUrl)).toBe(true);
    expect(await readTokenProjectAtKeystone(lab, copied, federation.keystoneUrl)).toBe('fed-demo');
  });

  await test.step('sign out: Keystone no longer accepts the token', async () => {
    await tokenPage.signOut();
    expect(await isTokenValidAtKeystone(lab, copied, federation.keystoneUrl)).toBe(false);
  });
});

test('a user in two groups sees both projects, and "Renew through SSO" brings a new token for the same project', async ({
  lab,
  federation,
  identityProvider: idp,
  loginPage,
  projectPickerPage,
  tokenPage,
}) => {
  const bob = federation.users.bob;
  let first = '';

  await test.step('sign in with SSO as bob: fed-demo and fed-ops are offered', async () => {
    await loginPage.startSso({ cloud: federation.cloud, label: 'Lab IdP' });
    await idp.expectOpen();
    await idp.signIn(bob);
    await projectPickerPage.expectOpen();
    await expect(projectPickerPage.chooseButton('fed-demo')).toBeVisible();
    await expect(projectPickerPage.chooseButton('fed-ops')).toBeVisible();
    await projectPickerPage.choose('fed-ops');
    await tokenPage.expectOpen();
    first = await tokenPage.copyToken();
  });

  await test.step("renew through SSO: the IdP's own session makes it one navigation, back on fed-ops", async () => {
    await tokenPage.renewThroughSsoLink.click();
    await tokenPage.expectOpen();
    await expect(tokenPage.detail('Project')).toContainText('fed-ops');
    const renewed = await tokenPage.copyToken();
    expect(renewed).not.toBe(first);
    expect(await readTokenProjectAtKeystone(lab, renewed, federation.keystoneUrl)).toBe('fed-ops');
    // The earlier sign-in's tokens went with it.
    await expect.poll(() => isTokenValidAtKeystone(lab, first, federation.keystoneUrl)).toBe(false);
    await tokenPage.signOut();
    expect(await isTokenValidAtKeystone(lab, renewed, federation.keystoneUrl)).toBe(false);
  });
});

test('a user no rule maps never gets a session: Keystone refuses at its own page', async ({
  page,
  federation,
  identityProvider: idp,
  loginPage,
}) => {
  await loginPage.startSso({ cloud: federation.cloud, label: 'Lab IdP' });
  await idp.expectOpen();
  const keystoneAnswer = page.waitForResponse((response) => response.url().includes('/websso'));
  await idp.signIn(federation.users.carol);
  expect((await keystoneAnswer).status()).toBe(401);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await expect(loginPage.heading).toBeVisible();
});

test('the SSO sign-in is axe-clean, speaks Russian, and works with the keyboard alone', async ({
  page,
  federation,
  identityProvider: idp,
  loginPage,
  appHeader,
  projectPickerPage,
  tokenPage,
}) => {
  const alice = federation.users.alice;

  await test.step('axe-clean light and dark, and in Russian', async () => {
    await loginPage.openFor(federation.cloud);
    for (const theme of ['Light', 'Dark'] as const) {
      await appHeader.chooseTheme(theme);
      await expectNoSeriousA11yViolations(page, `login with SSO (${theme})`);
    }
    await appHeader.language.selectOption({ label: 'Русский' });
    await expect(page.getByRole('link', { name: 'Войти через Lab IdP' })).toBeVisible();
    await page.getByLabel('Язык', { exact: true }).selectOption({ label: 'English' });
  });

  await test.step('Tab to "Sign in with Lab IdP", Enter; sign in at the IdP with the keyboard', async () => {
    const link = loginPage.ssoLink('Lab IdP');
    await tabTo(page, link);
    await expectVisibleFocus(link);
    await page.keyboard.press('Enter');
    await idp.expectOpen();
    await tabTo(page, idp.username);
    await page.keyboard.type(alice.name);
    await tabTo(page, idp.password);
    await page.keyboard.type(alice.password);
    await page.keyboard.press('Enter');
  });

  await test.step('Tab to the project and press Enter: API access opens', async () => {
    await projectPickerPage.expectOpen();
    const choose = projectPickerPage.chooseButton('fed-demo');
    await tabTo(page, choose);
    await expectVisibleFocus(choose);
    await page.keyboard.press('Enter');
    await tokenPage.expectOpen();
    await expect(tokenPage.renewThroughSsoLink).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'API access after SSO');
    await tokenPage.signOut();
  });
});
