import { expect, test } from '../fixtures.js';
import { isTokenValidAtKeystone } from '../support/lab.js';

test('an operator reissues the token, both stay valid, and revoking the old one leaves only the new', async ({
  lab,
  signedIn: tokenPage,
}) => {
  const oldToken = await test.step('copy the token the sign-in gave', async () => {
    const copied = await tokenPage.copyToken();
    expect(await isTokenValidAtKeystone(lab, copied)).toBe(true);
    await expect(tokenPage.issuedTokenRow(copied)).toContainText('current');
    return copied;
  });

  const newToken = await test.step('reissue: a different token, and Keystone accepts both', async () => {
    await tokenPage.reissue();
    const copied = await tokenPage.copyToken();
    // Compared as a boolean so that a failure report never prints a token.
    expect(copied === oldToken, 'the reissued token is the old one').toBe(false);
    expect(await isTokenValidAtKeystone(lab, copied)).toBe(true);
    expect(await isTokenValidAtKeystone(lab, oldToken)).toBe(true);
    return copied;
  });

  await test.step('the issued-tokens list shows the new one as current, the old one still valid', async () => {
    await expect(tokenPage.issuedTokenRow(newToken)).toContainText('current');
    await expect(tokenPage.issuedTokenRow(oldToken)).not.toContainText('current');
    await expect(tokenPage.issuedTokenRow(oldToken)).toContainText('valid');
  });

  await test.step('revoke the old token from the list: Keystone rejects it, the new one stays valid', async () => {
    await tokenPage.revoke(oldToken);
    expect(await isTokenValidAtKeystone(lab, oldToken)).toBe(false);
    expect(await isTokenValidAtKeystone(lab, newToken)).toBe(true);
    await expect(tokenPage.issuedTokenRow(newToken)).toContainText('current');
  });

  await test.step('sign out: Keystone rejects the new token too', async () => {
    await tokenPage.signOut();
    expect(await isTokenValidAtKeystone(lab, newToken)).toBe(false);
  });
});
