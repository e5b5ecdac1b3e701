import { expect, type Locator, type Page } from '@playwright/test';

/** After an unscoped sign-in: the projects, domains and system the user may scope the token to. */
export class ProjectPickerPage {
  readonly heading: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Choose a scope', level: 1 });
  }

  async expectOpen(): Promise<void> {
    await expect(this.page).toHaveURL(/\/projects$/);
    await expect(this.heading).toBeVisible();
  }

  chooseButton(projectName: string): Locator {
    return this.page.getByRole('button', { name: `Use this project: ${projectName}`, exact: true });
  }

  async choose(projectName: string): Promise<void> {
    await this.chooseButton(projectName).click();
  }

  chooseDomainButton(domainName: string): Locator {
    return this.page.getByRole('button', { name: `Use this domain: ${domainName}`, exact: true });
  }

  get chooseSystemButton(): Locator {
    return this.page.getByRole('button', { name: 'Use the system scope', exact: true });
  }
}
