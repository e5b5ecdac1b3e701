import { expect, test } from '../fixtures.js';

test('an operator mistypes the password, is told the credentials are wrong, and stays on the login page', async ({
  page,
  lab,
  loginPage,
}) => {
  const demo = lab.users.demo!;

  await test.step('sign in with a wrong password', async () => {
    await loginPage.open();
    await loginPage.signIn({ cloud: 'lab', username: demo.name, password: 'not-the-password' });
  });

  await test.step('a clear message says the credentials are wrong', async () => {
    await expect(loginPage.error).toHaveText('Wrong username, password or domain.');
  });

  await test.step('still on the login page, the form ready for another try', async () => {
    await expect(page).toHaveURL(/\/login$/);
    await expect(loginPage.heading).toBeVisible();
    await expect(loginPage.username).toHaveValue(demo.name);
    await expect(loginPage.signInButton).toBeEnabled();
  });
});
