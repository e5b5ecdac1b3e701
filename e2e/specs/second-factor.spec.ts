import { expect, test } from '../fixtures.js';
import { expectVisibleFocus } from '../support/keyboard.js';
import { isTokenValidAtKeystone } from '../support/lab.js';
import { currentTotp, wrongTotp } from '../../server/test/support/totp.js';

test('an operator with a second factor signs in with password then a passcode typed and entered from the keyboard, copies a token Keystone accepts, and signs out', async ({
  page,
  lab,
  loginPage,
  tokenPage,
}) => {
  const mfa = lab.users.mfa!;
  // Keystone's auth receipt (a fernet token, "gAAAAA…") must stay in the BFF: watch every answer.
  const sessionAnswers: { receiptHeader: string | null; body: string }[] = [];
  page.on('response', async (response) => {
    if (!new URL(response.url()).pathname.startsWith('/api/session')) return;
    sessionAnswers.push({
      receiptHeader: response.headers()['openstack-auth-receipt'] ?? null,
      body: await response.text().catch(() => ''),
    });
  });

  await test.step('the password alone is not enough: the page asks for the passcode, focus in its field', async () => {
    await loginPage.open();
    await loginPage.signIn({ cloud: 'lab-mfa', username: mfa.name, password: mfa.password });
    await loginPage.expectPasscodeStep();
    await expectVisibleFocus(loginPage.passcode);
    await expect(loginPage.passcode).toHaveAttribute('autocomplete', 'one-time-code');
    await expect(loginPage.passcode).toHaveAttribute('inputmode', 'numeric');
    await expect(loginPage.password).toHaveCount(0);
  });

  await test.step('five digits and Enter: an alert asks for all six, the field keeps the focus', async () => {
    await loginPage.typePasscodeAndPressEnter('12345');
    await expect(loginPage.error).toHaveText('Enter all 6 digits of the passcode.');
    await expect(loginPage.passcode).toHaveAttribute('aria-invalid', 'true');
    await expect(loginPage.passcode).toBeFocused();
  });

  await test.step('a wrong passcode and Enter: an alert says so, the field is emptied and focused for the next', async () => {
    await loginPage.typePasscodeAndPressEnter(wrongTotp(mfa.totpSecret!));
    await expect(loginPage.error).toHaveText(/^That passcode is wrong or has expired/);
    await expect(loginPage.passcode).toHaveValue('');
    await expect(loginPage.passcode).toBeFocused();
  });

  await test.step('the passcode from the authenticator app and Enter complete the sign-in', async () => {
    await loginPage.typePasscodeAndPressEnter(await currentTotp(mfa.totpSecret!));
    await tokenPage.expectOpen();
    await expect(tokenPage.detail('User')).toContainText(mfa.name);
    await expect(tokenPage.detail('Methods')).toContainText('password');
    await expect(tokenPage.detail('Methods')).toContainText('totp');
    await expect(page.getByText(/Auto-regenerate is paused: this account has a second factor/)).toBeVisible();
  });

  const token = await test.step('copy the token: the clipboard holds a token Keystone accepts', async () => {
    const copied = await tokenPage.copyToken();
    expect(copied).toMatch(/^gAAAAA[\w-]+/);
    expect(await isTokenValidAtKeystone(lab, copied)).toBe(true);
    return copied;
  });

  await test.step('the receipt never reached the browser', async () => {
    expect(sessionAnswers.length).toBeGreaterThanOrEqual(2);
    for (const answer of sessionAnswers) {
      expect(answer.receiptHeader).toBeNull();
      expect(answer.body).not.toContain('gAAAAA');
    }
  });

  await test.step('sign out: back to the login page, and Keystone now rejects the token', async () => {
    await tokenPage.signOut();
    expect(await isTokenValidAtKeystone(lab, token)).toBe(false);
  });
});
