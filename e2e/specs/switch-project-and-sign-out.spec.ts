import { expect, test } from '../fixtures.js';
import { readTokenFromBff } from '../support/bff.js';
import { isTokenValidAtKeystone, readTokenProjectAtKeystone } from '../support/lab.js';

test('an operator switches from project demo to other in the header, gets a token scoped to other, and signs out', async ({
  page,
  lab,
  appHeader,
  signedIn: tokenPage,
}) => {
  const other = lab.projects.other!;

  await test.step('the session starts in project demo', async () => {
    await expect(appHeader.projectSwitch.locator('option:checked')).toHaveText('demo');
    await expect(tokenPage.detail('Project')).toHaveText(`demo (${lab.projects.demo!.id})`);
  });

  const token = await test.step('switch to other: the token page shows project other', async () => {
    await appHeader.switchProject('other');
    await expect(tokenPage.detail('Project')).toHaveText(`${other.name} (${other.id})`);
    return readTokenFromBff(page);
  });

  await test.step('Keystone confirms the new token is scoped to other', async () => {
    expect(await readTokenProjectAtKeystone(lab, token)).toBe('other');
  });

  await test.step('sign out: back to the login page, and Keystone rejects the token', async () => {
    await appHeader.signOut();
    await expect(page.getByRole('status').filter({ hasText: 'You signed out.' })).toBeVisible();
    expect(await isTokenValidAtKeystone(lab, token)).toBe(false);
  });
});
