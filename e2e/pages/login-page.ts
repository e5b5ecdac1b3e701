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
  readonly passcodeHeading: Locator;
  readonly passcode: Locator;
  readonly verifyButton: Locator;
  readonly startOverButton: Locator;

  constructor(readonly page: Page) {
    this.cloud = page.getByLabel('Cloud', { exact: true });
    this.username = page.getByLabel('Username', { exact: true });
    this.password = page.getByLabel('Password', { exact: true });
    this.project = page.getByLabel('Project', { exact: true });
    this.signInButton = page.getByRole('button', { name: 'Sign in' });
    this.heading = page.getByRole('heading', { name: 'Sign in to OpenStack', level: 1 });
    this.error = page.getByRole('alert');
    this.passcodeHeading = page.getByRole('heading', { name: 'Second factor', level: 2 });
    this.passcode = page.getByLabel('Passcode', { exact: true });
    this.verifyButton = page.getByRole('button', { name: 'Verify' });
    this.startOverButton = page.getByRole('button', { name: 'Start over' });
  }

  async open(): Promise<void> {
    await this.page.goto('/login');
    await expect(this.signInButton).toBeVisible();
  }

  /** "Sign in with ‹label›": a link that leaves for the cloud's identity provider (Keystone WebSSO). */
  ssoLink(label: string): Locator {
    return this.page.getByRole('link', { name: `Sign in with ${label}`, exact: true });
  }

  /** Opens the login page with a cloud chosen (as after a lost session: ?cloud=). */
  async openFor(cloud: string): Promise<void> {
    await this.page.goto(`/login?cloud=${encodeURIComponent(cloud)}`);
    await expect(this.cloud).toHaveValue(cloud);
  }

  /** Chooses a cloud that offers SSO and follows its link to the identity provider. */
  async startSso(options: { cloud: string; label: string }): Promise<void> {
    await this.openFor(options.cloud);
    await this.ssoLink(options.label).click();
  }

  /** Signs in with the cloud's clouds.yaml defaults, typing only what the operator must. */
  async signIn(options: { cloud: string; username: string; password: string }): Promise<void> {
    await this.cloud.selectOption(options.cloud);
    await this.username.fill(options.username);
    await this.password.fill(options.password);
    await this.signInButton.click();
  }

  /** The passcode step is showing, with the keyboard focus already in the passcode field. */
  async expectPasscodeStep(): Promise<void> {
    await expect(this.passcodeHeading).toBeVisible();
    await expect(this.passcode).toBeFocused();
  }

  /** The passcode step: types the code as an authenticator app shows it and verifies it. */
  async verifyPasscode(passcode: string): Promise<void> {
    await this.passcode.fill(passcode);
    await this.verifyButton.click();
  }

  /**
   * The passcode step with the keyboard alone: in the focused field, replaces whatever is there
   * with the code and presses Enter.
   */
  async typePasscodeAndPressEnter(passcode: string): Promise<void> {
    await expect(this.passcode).toBeFocused();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.type(passcode);
    await this.page.keyboard.press('Enter');
  }

  /** Leaves the passcode step for the password form. */
  async startOver(): Promise<void> {
    await this.startOverButton.click();
    await expect(this.signInButton).toBeVisible();
  }
}
