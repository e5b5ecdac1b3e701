import { test as base, expect } from '@playwright/test';
import { LoginPage } from './pages/login-page.js';
import { TokenPage } from './pages/token-page.js';
import { readLab, type Lab } from './support/lab.js';

interface Fixtures {
  lab: Lab;
  loginPage: LoginPage;
  tokenPage: TokenPage;
  /** A page already signed in to the lab cloud as the demo user, on the API access page. */
  signedIn: TokenPage;
}

export const test = base.extend<Fixtures>({
  context: async ({ context }, use) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await use(context);
  },
  page: async ({ page }, use) => {
    // A story fails on any console error or uncaught exception in the page.
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 401/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await use(page);
    expect(problems, 'console errors in the page').toEqual([]);
  },
  // eslint-disable-next-line no-empty-pattern
  lab: async ({}, use) => {
    await use(readLab());
  },
  loginPage: async ({ page }, use) => {
    await use(new LoginPage(page));
  },
  tokenPage: async ({ page }, use) => {
    await use(new TokenPage(page));
  },
  signedIn: async ({ lab, loginPage, tokenPage }, use) => {
    const demo = lab.users.demo!;
    await loginPage.open();
    await loginPage.signIn({ cloud: 'lab', username: demo.name, password: demo.password });
    await tokenPage.expectOpen();
    await use(tokenPage);
  },
});

export { expect };
