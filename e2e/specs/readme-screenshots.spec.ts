import path from 'node:path';
import { expect, test } from '../fixtures.js';

// The README's pictures are refreshed on request only (UPDATE_README_SCREENSHOTS=1 npm run test:e2e),
// so an ordinary run does not rewrite committed files; otherwise they go to reports/.
const screenshots = path.resolve(
  import.meta.dirname,
  process.env.UPDATE_README_SCREENSHOTS === '1' ? '../../docs/screenshots' : '../../reports/screenshots',
);

test.use({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });

test('README screenshots: the API access page (token masked), the catalog and the networks', async ({
  page,
  appHeader,
  tokenPage,
  catalogPage,
  networksPage,
  signedIn: _signedIn,
}) => {
  await test.step('API access, the token masked', async () => {
    await expect(tokenPage.revealButton).toBeVisible();
    await expect(page.getByTestId('token-value')).toHaveText('•'.repeat(32));
    await page.screenshot({
      path: path.join(screenshots, 'api-access.png'),
      animations: 'disabled',
      caret: 'hide',
    });
  });

  await test.step('the catalog', async () => {
    await appHeader.catalogLink.click();
    await catalogPage.expectOpen();
    await page.screenshot({
      path: path.join(screenshots, 'catalog.png'),
      animations: 'disabled',
      caret: 'hide',
    });
  });

  await test.step('the networks, with the details of one', async () => {
    await appHeader.networksLink.click();
    await networksPage.expectLoaded();
    await networksPage.openDetails('demo-net-1');
    await page.mouse.move(0, 0);
    await page.screenshot({
      path: path.join(screenshots, 'networks.png'),
      animations: 'disabled',
      caret: 'hide',
    });
  });

  await test.step('sign out', async () => {
    await appHeader.signOut();
  });
});
