import { expect, test } from '../fixtures.js';
import { expectNoSeriousA11yViolations } from '../support/a11y.js';
import { readTokenFromBff } from '../support/bff.js';
import { previewOf } from '../pages/token-page.js';

/** A demo token that expires within seconds: Keystone caps a token at its application credential's expiry. */
async function shortLivedToken(keystoneUrl: string, demoToken: string, demoUserId: string) {
  const v3 = `${keystoneUrl}/v3`;
  const created = await fetch(`${v3}/users/${demoUserId}/application_credentials`, {
    method: 'POST',
    headers: { 'X-Auth-Token': demoToken, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      application_credential: {
        name: `e2e-inspector-${Date.now()}`,
        expires_at: new Date(Date.now() + 3000).toISOString().slice(0, 19),
        roles: [{ name: 'reader' }],
      },
    }),
  });
  expect(created.status).toBe(201);
  const { id, secret } = (
    (await created.json()) as { application_credential: { id: string; secret: string } }
  ).application_credential;
  const issued = await fetch(`${v3}/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } },
    }),
  });
  expect(issued.status).toBe(201);
  const remove = () =>
    fetch(`${v3}/users/${demoUserId}/application_credentials/${id}`, {
      method: 'DELETE',
      headers: { 'X-Auth-Token': demoToken },
    });
  return { token: issued.headers.get('x-subject-token')!, remove };
}

test('the inspector says valid for the current token, revoked for one revoked on the API access page, and expired for one that ran out', async ({
  page,
  lab,
  appHeader,
  inspectorPage,
  signedIn: tokenPage,
}) => {
  const first = await readTokenFromBff(page);

  await test.step('the current token, pasted: valid, with its scope, methods and catalog size', async () => {
    await appHeader.inspectorLink.click();
    await expect(inspectorPage.heading).toBeVisible();
    await inspectorPage.inspectPasted(first);
    await expect(inspectorPage.verdict).toHaveText('Valid: Keystone accepts this token now.');
    await expect(inspectorPage.detail('Scope')).toHaveText('Project demo');
    await expect(inspectorPage.detail('Methods')).toHaveText('password');
    await expect(inspectorPage.detail('Catalog')).toHaveText('5 services, 30 endpoints');
    await expect(inspectorPage.detail('Token')).toHaveText(previewOf(first));
    await expect(page.getByRole('timer', { name: 'Time left' })).toHaveText(/^00:5\d:\d\d$/);
    for (const theme of ['Light', 'Dark'] as const) {
      await appHeader.chooseTheme(theme);
      await expectNoSeriousA11yViolations(page, `inspector, valid token (${theme})`);
    }
  });

  await test.step('reissue, revoke the first token on the API access page, and follow its Inspect link: revoked', async () => {
    await appHeader.apiAccessLink.click();
    await tokenPage.reissue();
    await tokenPage.revoke(first);
    await tokenPage.issuedTokens.getByRole('link', { name: `Inspect token ${previewOf(first)}` }).click();
    await expect(inspectorPage.sessionTokens.locator('option:checked')).toContainText(previewOf(first));
    await inspectorPage.inspectButton.click();
    await expect(inspectorPage.verdict).toContainText(
      'Revoked: Keystone refuses it even as an expired token',
    );
  });

  await test.step('a token that ran out, pasted: expired, its details from the allow_expired look-up', async () => {
    const { token, remove } = await shortLivedToken(
      lab.keystoneUrl,
      await readTokenFromBff(page),
      lab.users.demo!.id,
    );
    try {
      await expect(async () => {
        await inspectorPage.inspectPasted(token);
        await expect(inspectorPage.verdict).toHaveText(
          'Expired: its lifetime ran out, Keystone no longer accepts it.',
          { timeout: 1000 },
        );
      }).toPass({ timeout: 20_000, intervals: [1000, 2000] });
      await expect(inspectorPage.detail('Methods')).toHaveText('application_credential');
      await expect(page.getByRole('timer', { name: 'Time left' })).toHaveText('00:00:00');
    } finally {
      await remove();
    }
  });

  await test.step('without “Allow expired” Keystone cannot tell expired from revoked; a made-up token is unknown', async () => {
    await inspectorPage.allowExpired.uncheck();
    await inspectorPage.inspectSessionToken(previewOf(first));
    await expect(inspectorPage.verdict).toContainText('Not accepted: expired or revoked.');
    await expect(inspectorPage.result).toContainText('Keystone said: “Failed to validate token”');
    await inspectorPage.inspectPasted('gAAAAA-not-a-token-at-all');
    await expect(inspectorPage.verdict).toHaveText('Unknown: this is not a token of this cloud’s Keystone.');
  });

  await test.step('the page works by keyboard: paste, tab to Inspect, Enter', async () => {
    await inspectorPage.sessionTokens.selectOption({ index: 0 });
    await inspectorPage.pasted.focus();
    await inspectorPage.pasted.fill(await readTokenFromBff(page));
    await page.keyboard.press('Tab');
    await expect(inspectorPage.sessionTokens).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(inspectorPage.allowExpired).toBeFocused();
    await page.keyboard.press('Space');
    await expect(inspectorPage.allowExpired).toBeChecked();
    await page.keyboard.press('Tab');
    await expect(inspectorPage.inspectButton).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(inspectorPage.verdict).toHaveText('Valid: Keystone accepts this token now.');
  });
});
