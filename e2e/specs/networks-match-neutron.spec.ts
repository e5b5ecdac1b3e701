import { expect, test } from '../fixtures.js';
import { readTokenFromBff } from '../support/bff.js';
import { listNetworkNamesAtNeutron } from '../support/lab.js';

test('an operator lists exactly the networks Neutron gives the token, in both regions, filters them and opens one', async ({
  page,
  lab,
  appHeader,
  networksPage,
  signedIn: _signedIn,
}) => {
  const expectedNames = await test.step('ask Neutron itself what this session’s token may see', async () => {
    const token = await readTokenFromBff(page);
    const names = await listNetworkNamesAtNeutron(lab, token);
    expect(names).toContain('public');
    // The page sorts by name, ascending, by default.
    return [...names].sort();
  });

  await test.step('open the networks page: RegionOne lists exactly those networks', async () => {
    await appHeader.networksLink.click();
    await networksPage.expectLoaded();
    await expect(networksPage.region).toHaveValue('RegionOne');
    await expect(networksPage.networkNames).toHaveText(expectedNames);
    await expect(networksPage.loadedStatus).toHaveText(`${expectedNames.length} networks loaded`);
  });

  await test.step('switch to RegionTwo: its endpoint lists exactly the same networks', async () => {
    await networksPage.chooseRegion('RegionTwo');
    await expect(networksPage.networkNames).toHaveText(expectedNames);
  });

  await test.step('filter by name: only that network remains', async () => {
    await networksPage.filterByName('demo-net-2');
    await expect(networksPage.networkNames).toHaveText(['demo-net-2']);
    await networksPage.filterByName('');
    await expect(networksPage.networkNames).toHaveText(expectedNames);
  });

  await test.step('open the details of demo-net-1: its Neutron id, then close them with Escape', async () => {
    await networksPage.openDetails('demo-net-1');
    await expect(networksPage.detail('Name')).toHaveText('demo-net-1');
    await expect(networksPage.detail('ID')).toHaveText(lab.networks['demo-net-1']!);
    await expect(networksPage.detail('Status')).toHaveText('ACTIVE');
    await page.keyboard.press('Escape');
    await expect(networksPage.detailPanel).toBeHidden();
  });
});
