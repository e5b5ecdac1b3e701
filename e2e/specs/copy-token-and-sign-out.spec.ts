import { expect, test } from '../fixtures.js';
import { isTokenValidAtKeystone } from '../support/lab.js';

test('an operator signs in, watches the countdown, copies a token Keystone accepts, and signing out revokes it', async ({
  page,
  lab,
  loginPage,
  tokenPage,
}) => {
  const demo = lab.users.demo!;

  await test.step('sign in to the lab cloud as the demo user', async () => {
    await loginPage.open();
    await expect(loginPage.cloud).toHaveValue('lab');
    await loginPage.signIn({ cloud: 'lab', username: demo.name, password: demo.password });
    await tokenPage.expectOpen();
  });

  await test.step('the countdown starts near one hour and ticks down', async () => {
    const first = await tokenPage.secondsLeft();
    expect(first).toBeGreaterThan(3500);
    expect(first).toBeLessThanOrEqual(3600);
    await expect.poll(() => tokenPage.secondsLeft(), { timeout: 5_000 }).toBeLessThan(first);
  });

  const token = await test.step('copy the token: the clipboard holds a token Keystone accepts', async () => {
    const copied = await tokenPage.copyToken();
    expect(copied).toMatch(/^gAAAAA[\w-]+/);
    expect(await isTokenValidAtKeystone(lab, copied)).toBe(true);
    return copied;
  });

  await test.step('the token stays masked until revealed, and hides again', async () => {
    await expect(page.getByText(token)).toHaveCount(0);
    await tokenPage.revealButton.click();
    await expect(page.getByText(token)).toBeVisible();
    await tokenPage.hideButton.click();
    await expect(page.getByText(token)).toHaveCount(0);
  });

  await test.step('the token never lands in browser storage or the URL', async () => {
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    );
    expect(stored).not.toContain(token);
    expect(page.url()).not.toContain(token);
  });

  await test.step('sign out: back to the login page, and Keystone now rejects the token', async () => {
    await tokenPage.signOut();
    expect(await isTokenValidAtKeystone(lab, token)).toBe(false);
  });
});
