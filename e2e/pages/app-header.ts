import { expect, type Locator, type Page } from '@playwright/test';

export type ThemeName = 'System' | 'Light' | 'Dark';

/** The header of the signed-in pages: navigation, scope switch, language, theme, sign out. */
export class AppHeader {
  readonly navigation: Locator;
  readonly apiAccessLink: Locator;
  readonly catalogLink: Locator;
  readonly networksLink: Locator;
  readonly inspectorLink: Locator;
  /** The scope switch: projects by name, "Domain: <name>", "System (all)". */
  readonly projectSwitch: Locator;
  readonly language: Locator;
  readonly theme: Locator;
  readonly signOutButton: Locator;

  constructor(readonly page: Page) {
    this.navigation = page.getByRole('navigation', { name: 'Main' });
    this.apiAccessLink = this.navigation.getByRole('link', { name: 'API access' });
    this.catalogLink = this.navigation.getByRole('link', { name: 'Catalog' });
    this.networksLink = this.navigation.getByRole('link', { name: 'Networks' });
    this.inspectorLink = this.navigation.getByRole('link', { name: 'Token inspector' });
    this.projectSwitch = page.getByRole('banner').getByLabel('Scope', { exact: true });
    this.language = page.getByLabel('Language', { exact: true });
    this.theme = page.getByLabel('Theme', { exact: true });
    this.signOutButton = page.getByRole('button', { name: 'Sign out' });
  }

  /** Picks another project; done when the header shows it as the current one. */
  async switchProject(projectName: string): Promise<void> {
    await this.projectSwitch.selectOption({ label: projectName });
    await expect(this.projectSwitch.locator('option:checked')).toHaveText(projectName);
    await expect(this.projectSwitch).toBeEnabled();
  }

  /** Picks any scope by its label ("System (all)", "Domain: Default", a project name). */
  async switchScope(label: string): Promise<void> {
    await this.projectSwitch.selectOption({ label });
    await expect(this.projectSwitch.locator('option:checked')).toHaveText(label);
    await expect(this.projectSwitch).toBeEnabled();
  }

  /** Chooses a theme (the toggle works on the login page too); done when <html> shows it. */
  async chooseTheme(theme: ThemeName): Promise<void> {
    await this.theme.selectOption({ label: theme });
    if (theme === 'Dark') await expect(this.page.locator('html')).toHaveClass(/\bdark\b/);
    if (theme === 'Light') await expect(this.page.locator('html')).not.toHaveClass(/\bdark\b/);
  }

  async signOut(): Promise<void> {
    await this.signOutButton.click();
    await expect(this.page).toHaveURL(/\/login\?reason=signed_out/);
  }
}
