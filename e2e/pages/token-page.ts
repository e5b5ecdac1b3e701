import { expect, type Locator, type Page } from '@playwright/test';

/** The "API access" page: the token, its countdown, copy, reveal, reissue, sign out. */
export class TokenPage {
  readonly heading: Locator;
  readonly countdown: Locator;
  readonly revealButton: Locator;
  readonly hideButton: Locator;
  readonly copyButton: Locator;
  readonly reissueButton: Locator;
  readonly signOutButton: Locator;
  readonly copiedConfirmation: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'API access', level: 1 });
    this.countdown = page.getByRole('timer', { name: 'Time left' });
    this.revealButton = page.getByRole('button', { name: 'Reveal token' });
    this.hideButton = page.getByRole('button', { name: 'Hide token' });
    this.copyButton = page.getByRole('button', { name: 'Copy token' }).first();
    this.reissueButton = page.getByRole('button', { name: 'Reissue' });
    this.signOutButton = page.getByRole('button', { name: 'Sign out' });
    this.copiedConfirmation = page.getByText('Copied', { exact: true }).first();
  }

  async expectOpen(): Promise<void> {
    await expect(this.heading).toBeVisible();
    await expect(this.countdown).toHaveText(/^\d{2}:\d{2}:\d{2}$/);
  }

  /** The countdown as seconds left. */
  async secondsLeft(): Promise<number> {
    const text = (await this.countdown.textContent()) ?? '';
    const [h, m, s] = text.trim().split(':').map(Number);
    return (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0);
  }

  /** Clicks Copy token, waits for the confirmation, and returns what the clipboard now holds. */
  async copyToken(): Promise<string> {
    await this.copyButton.click();
    await expect(this.copiedConfirmation).toBeVisible();
    return this.page.evaluate(() => navigator.clipboard.readText());
  }

  async signOut(): Promise<void> {
    await this.signOutButton.click();
    await expect(this.page).toHaveURL(/\/login/);
  }
}
