import { expect, type Locator, type Page } from '@playwright/test';

/**
 * The lab's OpenID Connect provider (e2e/lab/idp/): its own login form, on its own origin, that
 * Keystone's mod_auth_openidc sends the browser to. Stands for Keycloak, Entra ID or Okta.
 */
export class IdentityProviderPage {
  readonly username: Locator;
  readonly password: Locator;
  readonly signInButton: Locator;
  readonly failure: Locator;

  constructor(
    readonly page: Page,
    private readonly idpUrl: string,
  ) {
    this.username = page.getByLabel('Username', { exact: true });
    this.password = page.getByLabel('Password', { exact: true });
    this.signInButton = page.getByRole('button', { name: 'Sign in' });
    this.failure = page.getByText('Invalid username or password');
  }

  async expectOpen(): Promise<void> {
    await expect(this.page).toHaveURL(new RegExp(`^${escapeRegExp(this.idpUrl)}/`));
    await expect(this.username).toBeVisible();
  }

  async signIn(user: { name: string; password: string }): Promise<void> {
    await this.username.fill(user.name);
    await this.password.fill(user.password);
    await this.signInButton.click();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
