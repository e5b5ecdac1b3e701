import { test as base, expect } from '@playwright/test';
import { AppHeader } from './pages/app-header.js';
import { IdentityProviderPage } from './pages/identity-provider-page.js';
import { CatalogPage } from './pages/catalog-page.js';
import { InspectorPage } from './pages/inspector-page.js';
import { LoginPage } from './pages/login-page.js';
import { NetworksPage } from './pages/networks-page.js';
import { ProjectPickerPage } from './pages/project-picker-page.js';
import { TokenPage } from './pages/token-page.js';
import { federationOf } from '../server/test/support/federation.js';
import { readLabFacts, type LabFacts, type LabFederation } from '../server/test/support/lab-facts.js';
import { watchForTokenLeaks } from './support/token-leaks.js';

interface Fixtures {
  lab: LabFacts;
  /** The lab's federation (SSO stories): its Keystone, identity provider, users and cloud. */
  federation: LabFederation;
  /** The federation's identity provider's own pages. */
  identityProvider: IdentityProviderPage;
  loginPage: LoginPage;
  tokenPage: TokenPage;
  appHeader: AppHeader;
  catalogPage: CatalogPage;
  networksPage: NetworksPage;
  projectPickerPage: ProjectPickerPage;
  inspectorPage: InspectorPage;
  /** A page already signed in to the lab cloud as the demo user, on the API access page. */
  signedIn: TokenPage;
}

export const test = base.extend<Fixtures>({
  context: async ({ context }, use) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await use(context);
  },
  page: async ({ page, baseURL }, use) => {
    // A story fails on any console error or uncaught exception in our pages. The single sign-on
    // stories also pass through the identity provider's and Keystone's pages (Keystone has no
    // favicon, say): their errors are not ours to judge.
    const ours = new URL(baseURL ?? 'http://127.0.0.1').origin;
    const isOurs = (url: string) => !/^https?:/.test(url) || new URL(url).origin === ours;
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() !== 'error' || /status of 401/.test(message.text())) return;
      if (isOurs(message.location().url) && isOurs(page.url())) problems.push(message.text());
    });
    page.on('pageerror', (error) => {
      if (isOurs(page.url())) problems.push(error.message);
    });
    // Every story ends with no token in browser storage or in any URL the page used.
    const leaks = watchForTokenLeaks(page);
    await use(page);
    expect(problems, 'console errors in the page').toEqual([]);
    await leaks.expectNoLeak();
  },
  // eslint-disable-next-line no-empty-pattern
  lab: async ({}, use) => {
    await use(readLabFacts());
  },
  federation: async ({ lab }, use) => {
    await use(federationOf(lab));
  },
  identityProvider: async ({ page, federation }, use) => {
    await use(new IdentityProviderPage(page, federation.idpUrl));
  },
  loginPage: async ({ page }, use) => {
    await use(new LoginPage(page));
  },
  tokenPage: async ({ page }, use) => {
    await use(new TokenPage(page));
  },
  appHeader: async ({ page }, use) => {
    await use(new AppHeader(page));
  },
  catalogPage: async ({ page }, use) => {
    await use(new CatalogPage(page));
  },
  networksPage: async ({ page }, use) => {
    await use(new NetworksPage(page));
  },
  projectPickerPage: async ({ page }, use) => {
    await use(new ProjectPickerPage(page));
  },
  inspectorPage: async ({ page }, use) => {
    await use(new InspectorPage(page));
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
