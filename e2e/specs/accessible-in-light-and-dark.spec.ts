import { expect, test } from '../fixtures.js';
import type { ThemeName } from '../pages/app-header.js';
import { expectNoSeriousA11yViolations } from '../support/a11y.js';
import { wrongTotp } from '../../server/test/support/totp.js';

const themes: ThemeName[] = ['Light', 'Dark'];

test('axe finds no serious or critical violation on the login page and its passcode step, the API access, catalog and networks pages, light and dark', async ({
  lab,
  appHeader,
  loginPage,
  tokenPage,
  catalogPage,
  networksPage,
}) => {
  const demo = lab.users.demo!;
  const mfa = lab.users.mfa!;

  await test.step('the login page', async () => {
    await loginPage.open();
    for (const theme of themes) {
      await appHeader.chooseTheme(theme);
      await expectNoSeriousA11yViolations(loginPage.page, `login (${theme})`);
    }
  });

  await test.step('the passcode step of an account with a second factor', async () => {
    await loginPage.signIn({ cloud: 'lab-mfa', username: mfa.name, password: mfa.password });
    await loginPage.expectPasscodeStep();
    for (const theme of themes) {
      await appHeader.chooseTheme(theme);
      await expectNoSeriousA11yViolations(loginPage.page, `passcode step (${theme})`);
    }
  });

  await test.step('the passcode step saying a passcode is incomplete', async () => {
    await loginPage.verifyPasscode('12345');
    await expect(loginPage.error).toHaveText('Enter all 6 digits of the passcode.');
    for (const theme of themes) {
      await appHeader.chooseTheme(theme);
      await expectNoSeriousA11yViolations(loginPage.page, `passcode step, incomplete passcode (${theme})`);
    }
  });

  await test.step('the passcode step saying a passcode is wrong', async () => {
    await loginPage.verifyPasscode(wrongTotp(mfa.totpSecret!));
    await expect(loginPage.error).toContainText('That passcode is wrong or has expired');
    for (const theme of themes) {
      await appHeader.chooseTheme(theme);
      await expectNoSeriousA11yViolations(loginPage.page, `passcode step, wrong passcode (${theme})`);
    }
  });

  await test.step('start over, back to the password form', async () => {
    await loginPage.startOver();
  });

  await test.step('sign in', async () => {
    await loginPage.signIn({ cloud: 'lab', username: demo.name, password: demo.password });
    await tokenPage.expectOpen();
  });

  for (const theme of themes) {
    await test.step(`the signed-in pages in the ${theme.toLowerCase()} theme`, async () => {
      await appHeader.chooseTheme(theme);

      await appHeader.apiAccessLink.click();
      await tokenPage.expectOpen();
      await expectNoSeriousA11yViolations(tokenPage.page, `API access (${theme})`);

      await appHeader.catalogLink.click();
      await catalogPage.expectOpen();
      await expectNoSeriousA11yViolations(catalogPage.page, `catalog (${theme})`);

      await appHeader.networksLink.click();
      await networksPage.expectLoaded();
      await networksPage.openDetails('demo-net-1');
      await expectNoSeriousA11yViolations(networksPage.page, `networks with details (${theme})`);
    });
  }

  await test.step('sign out', async () => {
    await appHeader.signOut();
  });
});
