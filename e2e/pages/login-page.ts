import { expect, type Locator, type Page } from '@playwright/test';

export class LoginPage {
  readonly cloud: Locator;
  readonly username: Locator;
  readonly password: Locator;
  readonly project: Locator;
  readonly signInButton: Locator;
  readonly heading: Locator;
  readonly error: Locator;
  /** The second step for an account with a second factor (after the password). */
  readonly passcode: Locator;
  readonly verifyButton: Locator;

  constructor(readonly page: Page) {
    this.cloud = page.getByLabel('Cloud', { exact: true });
    this.username = page.getByLabel('Username', { exact: true });
    this.password = page.getByLabel('Password', { exact: true });
    this.project = page.getByLabel('Project', { exact: true });
    this.signInButton = page.getByRole('button', { name: 'Sign in' });
    this.heading = page.getByRole('heading', { name: 'Sign in to OpenStack', level: 1 });
    this.error = page.getByRole('alert');
    this.passcode = page.getByLabel('Passcode', { exact: true });
    this.verifyButton = page.getByRole('button', { name: 'Verify' });
  }

  async open(): Promise<void> {
    await this.page.goto('/login');
    await expect(this.signInButton).toBeVisible();
  }

  /** Signs in with the cloud's clouds.yaml defaults, typing only what the operator must. */
  async signIn(options: { cloud: string; username: string; password: string }): Promise<void> {
    await this.cloud.selectOption(options.cloud);
    await this.username.fill(options.username);
    await this.password.fill(options.password);
    await this.signInButton.click();
  }

  /** The passcode step: types the code as an authenticator app shows it and verifies it. */
  async verifyPasscode(passcode: string): Promise<void> {
    await expect(this.passcode).toBeFocused();
    await this.passcode.fill(passcode);
    await this.verifyButton.click();
  }
}
