import { expect, type Locator, type Page } from '@playwright/test';

/** The "API access" page: the token, its countdown, copy, reveal, reissue, sign out. */
export class TokenPage {
  readonly heading: Locator;
  readonly countdown: Locator;
  readonly revealButton: Locator;
  readonly hideButton: Locator;
  readonly copyButton: Locator;
  readonly reissueButton: Locator;
  /** After a single sign-on, in place of Reissue: a navigation through the identity provider. */
  readonly renewThroughSsoLink: Locator;
  readonly signOutButton: Locator;
  readonly copiedConfirmation: Locator;
  readonly reissuedNotice: Locator;
  readonly details: Locator;
  readonly issuedTokens: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'API access', level: 1 });
    this.countdown = page.getByRole('timer', { name: 'Time left' });
    this.revealButton = page.getByRole('button', { name: 'Reveal token' });
    this.hideButton = page.getByRole('button', { name: 'Hide token' });
    this.copyButton = page.getByRole('button', { name: 'Copy token' }).first();
    this.reissueButton = page.getByRole('button', { name: 'Reissue' });
    this.renewThroughSsoLink = page.getByRole('link', { name: 'Renew through SSO' });
    this.signOutButton = page.getByRole('button', { name: 'Sign out' });
    this.copiedConfirmation = page.getByText('Copied', { exact: true }).first();
    this.reissuedNotice = page.getByRole('status').filter({ hasText: 'A new token was issued.' });
    this.details = page.getByRole('region', { name: 'Token details' });
    this.issuedTokens = page.getByRole('region', { name: 'Tokens issued in this session' });
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

  /** Reissue: a fresh token replaces the current one on the page. */
  async reissue(): Promise<void> {
    await this.reissueButton.click();
    await expect(this.reissuedNotice).toBeVisible();
    await expect(this.reissueButton).toBeEnabled();
  }

  /** One value of the token details, by its label (User, Project, Roles…). */
  detail(label: string): Locator {
    return this.details
      .getByRole('term')
      .filter({ hasText: new RegExp(`^${label}$`) })
      .locator('xpath=following-sibling::dd[1]');
  }

  /** The row of the issued-tokens list that shows this token's preview. */
  issuedTokenRow(token: string): Locator {
    return this.issuedTokens.getByRole('row').filter({ hasText: previewOf(token) });
  }

  /** Revokes one of this session's tokens from the issued-tokens list. */
  async revoke(token: string): Promise<void> {
    await this.issuedTokens
      .getByRole('button', { name: `Revoke token ${previewOf(token)}`, exact: true })
      .click();
    await expect(this.issuedTokenRow(token)).toContainText('revoked');
  }

  async signOut(): Promise<void> {
    await this.signOutButton.click();
    await expect(this.page).toHaveURL(/\/login/);
  }
}

/** How the BFF shows a token without giving it away: its first 8 and last 4 characters. */
export function previewOf(token: string): string {
  return `${token.slice(0, 16)}…`;
}
