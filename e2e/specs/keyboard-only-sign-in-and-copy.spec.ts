import { expect, test } from '../fixtures.js';
import { expectVisibleFocus, tabTo } from '../support/keyboard.js';
import { isTokenValidAtKeystone } from '../support/lab.js';

test('an operator signs in and copies the token with the keyboard alone, always seeing where the focus is', async ({
  page,
  lab,
  loginPage,
  tokenPage,
  appHeader,
}) => {
  const demo = lab.users.demo!;

  await test.step('open the login page', async () => {
    await loginPage.open();
    await expect(loginPage.cloud).toHaveValue('lab');
  });

  await test.step('Tab to the username, replace it, Tab to the password, type it', async () => {
    await tabTo(page, loginPage.username);
    await expectVisibleFocus(loginPage.username);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(demo.name);
    await tabTo(page, loginPage.password);
    await expectVisibleFocus(loginPage.password);
    await page.keyboard.type(demo.password);
  });

  await test.step('Tab to Sign in and press Enter: the API access page opens', async () => {
    await tabTo(page, loginPage.signInButton);
    await expectVisibleFocus(loginPage.signInButton);
    await page.keyboard.press('Enter');
    await tokenPage.expectOpen();
  });

  await test.step('Tab to Copy token and press Space: the clipboard holds a token Keystone accepts', async () => {
    await tabTo(page, tokenPage.copyButton);
    await expectVisibleFocus(tokenPage.copyButton);
    await page.keyboard.press('Space');
    await expect(tokenPage.copiedConfirmation).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(await isTokenValidAtKeystone(lab, copied)).toBe(true);
  });

  await test.step('Shift+Tab back to Sign out and press Enter: signed out', async () => {
    // Sign out sits in the header, before the page content: Shift+Tab walks back to it.
    await tabTo(page, appHeader.signOutButton, { backwards: true });
    await expectVisibleFocus(appHeader.signOutButton);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/login\?reason=signed_out/);
  });
});
