import fs from 'node:fs';
import { expect, type Locator, type Page } from '@playwright/test';

/** Credentials for automation: application credentials and EC2 credentials, a secret shown once. */
export class CredentialsPage {
  readonly navLink: Locator;
  readonly heading: Locator;
  readonly appSection: Locator;
  readonly ec2Section: Locator;
  readonly newAppCredentialButton: Locator;
  readonly createEc2Button: Locator;
  /** The panel that shows a new secret, this once. */
  readonly createdPanel: Locator;
  readonly createdSecret: Locator;

  constructor(readonly page: Page) {
    this.navLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Credentials' });
    this.heading = page.getByRole('heading', { name: 'Credentials for automation', level: 1 });
    this.appSection = page.getByRole('region', { name: 'Application credentials' });
    this.ec2Section = page.getByRole('region', { name: 'EC2 credentials (S3 keys)' });
    this.newAppCredentialButton = page.getByRole('button', { name: 'New application credential' });
    this.createEc2Button = page.getByRole('button', { name: 'Create EC2 credential' });
    this.createdPanel = page.getByRole('region', { name: /created$/ });
    this.createdSecret = this.createdPanel.getByTestId('created-secret');
  }

  /** The row of an application credential in the list. */
  applicationCredentialRow(name: string): Locator {
    return this.appSection.getByRole('row').filter({ hasText: name });
  }

  async open(): Promise<void> {
    await this.navLink.click();
    await expect(this.heading).toBeVisible();
    await expect(this.newAppCredentialButton).toBeVisible();
    await expect(this.createEc2Button).toBeVisible();
  }

  /** Fills the creation form; `expiresLocal` as the datetime-local input takes it ("2030-01-01T10:00"). */
  async createApplicationCredential(options: {
    name: string;
    expiresLocal?: string;
    roles?: string[];
    accessRules?: string;
  }): Promise<{ id: string; secret: string }> {
    await this.newAppCredentialButton.click();
    const form = this.page.getByRole('form', { name: 'New application credential' });
    await form.getByLabel('Name', { exact: true }).fill(options.name);
    if (options.expiresLocal) await form.getByLabel(/^Expires \(your time/).fill(options.expiresLocal);
    if (options.roles) {
      for (const checkbox of await form.getByRole('group', { name: 'Roles' }).getByRole('checkbox').all()) {
        const name = (await checkbox.evaluate((element) => element.parentElement?.textContent ?? '')).trim();
        await checkbox.setChecked(options.roles.includes(name));
      }
    }
    if (options.accessRules) await form.getByLabel('Access rules (optional)').fill(options.accessRules);
    await form.getByRole('button', { name: 'Create application credential' }).click();
    await expect(this.createdPanel).toBeVisible();
    return {
      id: (await this.createdPanel.getByTestId('created-id').textContent()) ?? '',
      secret: await this.revealSecret(),
    };
  }

  async createEc2Credential(): Promise<{ access: string; secret: string }> {
    await this.createEc2Button.click();
    await expect(this.createdPanel).toBeVisible();
    const access = (await this.createdPanel.getByTestId('created-access').textContent()) ?? '';
    return { access, secret: await this.revealSecret() };
  }

  async revealSecret(): Promise<string> {
    await this.createdPanel.getByRole('button', { name: 'Reveal secret' }).click();
    await expect(this.createdSecret).not.toHaveText(/•/);
    return (await this.createdSecret.textContent()) ?? '';
  }

  /** Downloads one of the files of the created panel; returns its text. */
  async download(label: string): Promise<{ filename: string; text: string }> {
    const downloading = this.page.waitForEvent('download');
    await this.createdPanel.getByRole('button', { name: label }).click();
    const download = await downloading;
    const file = await download.path();
    return { filename: download.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
  }

  async forgetSecret(): Promise<void> {
    await this.createdPanel.getByRole('button', { name: 'Done, forget the secret' }).click();
    await expect(this.createdPanel).toBeHidden();
  }

  /** Delete, then confirm in the question that names it; done when the row is gone. */
  async deleteApplicationCredential(name: string): Promise<void> {
    await this.appSection.getByRole('button', { name: `Delete application credential ${name}` }).click();
    const question = this.appSection.getByRole('group', {
      name: `Delete application credential “${name}”? Anything using it stops working.`,
    });
    await question.getByRole('button', { name: 'Delete' }).click();
    await expect(this.applicationCredentialRow(name)).toHaveCount(0);
  }

  /** The same with the keyboard alone: Enter on the delete button, Enter on the focused confirmation. */
  async deleteEc2CredentialByKeyboard(access: string): Promise<void> {
    await this.ec2Section.getByRole('button', { name: `Delete EC2 credential ${access}` }).focus();
    await this.page.keyboard.press('Enter');
    await expect(this.ec2Section.getByRole('button', { name: 'Delete', exact: true })).toBeFocused();
    await this.page.keyboard.press('Enter');
    await expect(this.ec2Section.getByText(access)).toHaveCount(0);
    // The row went with its buttons: the focus is on the section, not lost to the page.
    await expect(this.ec2Section.getByRole('heading', { name: 'EC2 credentials (S3 keys)' })).toBeFocused();
  }
}
