import { expect, test } from '../fixtures.js';
import { CredentialsPage } from '../pages/credentials-page.js';

test.use({ viewport: { width: 375, height: 812 } });

test('on a 375 px wide phone the credentials page, its list and a new secret fit the screen', async ({
  page,
  signedIn,
}) => {
  void signedIn;
  const credentials = new CredentialsPage(page);
  const fits = () =>
    expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await credentials.open();
  await fits();
  const name = `e2e-phone-${Date.now().toString(36)}`;
  await credentials.createApplicationCredential({
    name,
    accessRules: '- service: network\n  method: GET\n  path: /v2.0/networks/some-rather-long-path-segment',
  });
  await fits();
  await credentials.forgetSecret();
  await expect(credentials.applicationCredentialRow(name)).toBeVisible();
  await fits();
  await credentials.deleteApplicationCredential(name);
});
