import { test } from '../fixtures.js';
import type { ThemeName } from '../pages/app-header.js';
import { expectNoSeriousA11yViolations } from '../support/a11y.js';

const themes: ThemeName[] = ['Light', 'Dark'];

test('axe finds no serious or critical violation on the login, API access, catalog and networks pages, light and dark', async ({
  lab,
  appHeader,
  loginPage,
  tokenPage,
  catalogPage,
  networksPage,
}) => {
  const demo = lab.users.demo!;

  await test.step('the login page', async () => {
    await loginPage.open();
    for (const theme of themes) {
      await appHeader.chooseTheme(theme);
      await expectNoSeriousA11yViolations(loginPage.page, `login (${theme})`);
    }
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
