import { expect, type Locator, type Page } from '@playwright/test';

/** The token inspector: paste a token or pick one of the session's, and read Keystone's answer. */
export class InspectorPage {
  readonly heading: Locator;
  readonly pasted: Locator;
  readonly sessionTokens: Locator;
  readonly allowExpired: Locator;
  readonly inspectButton: Locator;
  readonly result: Locator;
  readonly verdict: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Token inspector', level: 1 });
    this.pasted = page.getByLabel('Token to inspect', { exact: true });
    this.sessionTokens = page.getByLabel('Or one of this session’s tokens', { exact: true });
    this.allowExpired = page.getByLabel('Allow expired', { exact: false });
    this.inspectButton = page.getByRole('button', { name: 'Inspect', exact: true });
    this.result = page.getByRole('region', { name: /Keystone’s answer/ });
    this.verdict = this.result.getByRole('status');
  }

  async open(): Promise<void> {
    await this.page.goto('/inspector');
    await expect(this.heading).toBeVisible();
  }

  async inspectPasted(token: string): Promise<void> {
    await this.sessionTokens.selectOption({ index: 0 });
    await this.pasted.fill(token);
    await this.inspectButton.click();
    await expect(this.inspectButton).toBeEnabled();
  }

  /** Picks the session's token whose option starts with this preview. */
  async inspectSessionToken(preview: string): Promise<void> {
    const option = this.sessionTokens.locator('option').filter({ hasText: preview });
    await this.sessionTokens.selectOption({ label: (await option.textContent()) ?? preview });
    await this.inspectButton.click();
    await expect(this.inspectButton).toBeEnabled();
  }

  /** One value of the result, by its label (User, Scope, Methods…). */
  detail(label: string): Locator {
    return this.result
      .getByRole('term')
      .filter({ hasText: new RegExp(`^${label}$`) })
      .locator('xpath=following-sibling::dd[1]');
  }
}
