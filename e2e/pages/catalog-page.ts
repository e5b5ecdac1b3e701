import { expect, type Locator, type Page } from '@playwright/test';

/** The service catalog as a matrix: services by region × interface, with filters. */
export class CatalogPage {
  readonly heading: Locator;
  readonly regionFilter: Locator;
  readonly interfaceFilter: Locator;
  readonly typeFilter: Locator;
  readonly table: Locator;
  readonly columnHeaders: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Catalog', level: 1 });
    this.regionFilter = page.getByLabel('Region', { exact: true });
    this.interfaceFilter = page.getByLabel('Interface', { exact: true });
    this.typeFilter = page.getByLabel('Service type', { exact: true });
    this.table = page.getByRole('table', { name: 'Service catalog' });
    this.columnHeaders = this.table.getByRole('columnheader');
  }

  async expectOpen(): Promise<void> {
    await expect(this.heading).toBeVisible();
    await expect(this.table).toBeVisible();
  }

  /** The copy buttons of one endpoint URL: one per region × interface cell that lists it. */
  copyUrlButtons(url: string): Locator {
    return this.table.getByRole('button', { name: `Copy URL ${url}`, exact: true });
  }

  /** The catalog row of one service type (its row header reads "type name"). */
  serviceRow(type: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name: type }) });
  }

  async filterByRegion(region: string): Promise<void> {
    await this.regionFilter.selectOption(region);
  }
}
