import { expect, type Locator, type Page } from '@playwright/test';

/** The networks of one region: a virtualized table with filters and a detail panel. */
export class NetworksPage {
  readonly heading: Locator;
  readonly region: Locator;
  readonly interfaceChoice: Locator;
  readonly nameFilter: Locator;
  readonly table: Locator;
  /** The name of each listed network: the button that opens its details. */
  readonly networkNames: Locator;
  readonly loadedStatus: Locator;
  readonly detailPanel: Locator;
  readonly closeDetailsButton: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Networks', level: 1 });
    this.region = page.getByLabel('Region', { exact: true });
    this.interfaceChoice = page.getByLabel('Interface', { exact: true });
    this.nameFilter = page.getByRole('searchbox', { name: 'Filter by name' });
    this.table = page.getByRole('table', { name: 'Networks' });
    this.networkNames = this.table.getByRole('button', { name: /^Details for / });
    this.loadedStatus = page.getByRole('status').filter({ hasText: /networks loaded|No networks/ });
    this.detailPanel = page.getByRole('complementary', { name: 'Network details' });
    this.closeDetailsButton = this.detailPanel.getByRole('button', { name: 'Close details' });
  }

  async expectLoaded(): Promise<void> {
    await expect(this.heading).toBeVisible();
    await expect(this.loadedStatus).toBeVisible();
    await expect(this.table).not.toHaveAttribute('aria-busy', 'true');
  }

  /** Picks a region and waits for the BFF's answer for that very region. */
  async chooseRegion(region: string): Promise<void> {
    const answer = this.page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === '/api/networks' &&
        new URL(response.url()).searchParams.get('region') === region,
    );
    await this.region.selectOption(region);
    expect((await answer).status(), `GET /api/networks?region=${region}`).toBe(200);
    await this.expectLoaded();
  }

  async filterByName(name: string): Promise<void> {
    await this.nameFilter.fill(name);
  }

  async openDetails(name: string): Promise<void> {
    await this.table.getByRole('button', { name: `Details for ${name}`, exact: true }).click();
    await expect(this.detailPanel).toBeVisible();
  }

  /** One value of the detail panel, by its label (ID, Status, MTU…). */
  detail(label: string): Locator {
    return this.detailPanel
      .getByRole('term')
      .filter({ hasText: new RegExp(`^${label}$`) })
      .locator('xpath=following-sibling::dd[1]');
  }
}
