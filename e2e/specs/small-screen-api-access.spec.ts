import { expect, test } from '../fixtures.js';

test.use({ viewport: { width: 375, height: 812 } });

test('on a 375 px wide phone the API access page fits the screen and the copy button is at hand', async ({
  page,
  signedIn: tokenPage,
}) => {
  await test.step('no horizontal scroll', async () => {
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth))
      .toBeLessThanOrEqual(375);
  });

  await test.step('the copy button is visible, whole, within the screen', async () => {
    await expect(tokenPage.copyButton).toBeVisible();
    await tokenPage.copyButton.scrollIntoViewIfNeeded();
    await expect(tokenPage.copyButton).toBeInViewport({ ratio: 1 });
  });

  await test.step('and it copies', async () => {
    const copied = await tokenPage.copyToken();
    expect(copied.startsWith('gAAAAA'), 'the clipboard holds a Fernet token').toBe(true);
    await tokenPage.signOut();
  });
});
