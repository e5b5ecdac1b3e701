import { expect, test } from '../fixtures.js';

test('an operator reads the catalog across both regions and all interfaces, then narrows it to one region', async ({
  lab,
  appHeader,
  catalogPage,
  signedIn: _signedIn,
}) => {
  const networkUrl = lab.neutronUrl;

  await test.step('open the catalog from the header', async () => {
    await appHeader.catalogLink.click();
    await expect(catalogPage.page).toHaveURL(/\/catalog$/);
    await catalogPage.expectOpen();
  });

  await test.step('both regions, each with the public, internal and admin interfaces', async () => {
    await expect(catalogPage.columnHeaders).toHaveText([
      'Service',
      ...lab.regions,
      ...lab.regions.flatMap(() => ['public', 'internal', 'admin']),
    ]);
  });

  await test.step('the network service lists its endpoint URL in every region × interface cell', async () => {
    await expect(catalogPage.serviceRow('network')).toContainText(networkUrl);
    await expect(catalogPage.copyUrlButtons(networkUrl)).toHaveCount(lab.regions.length * 3);
  });

  await test.step('filter by region: only RegionTwo and its endpoints remain', async () => {
    await catalogPage.filterByRegion('RegionTwo');
    await expect(catalogPage.columnHeaders).toHaveText([
      'Service',
      'RegionTwo',
      'public',
      'internal',
      'admin',
    ]);
    await expect(catalogPage.copyUrlButtons(networkUrl)).toHaveCount(3);
    // The lab gives compute a different port per region: RegionOne's must be gone.
    await expect(catalogPage.serviceRow('compute')).toContainText('http://127.0.0.1:18774/v2.1');
    await expect(catalogPage.serviceRow('compute')).not.toContainText('http://127.0.0.1:8774/v2.1');
  });
});
