import { expect, test } from '../fixtures.js';
import { expectNoSeriousA11yViolations } from '../support/a11y.js';
import { runBash, runPython } from '../support/run-client.js';

test('the domain admin signs in, is offered exactly domain Default, gets a domain-scoped token, and its copied snippets work with the real clients', async ({
  page,
  lab,
  loginPage,
  tokenPage,
  appHeader,
  projectPickerPage,
}) => {
  const domainAdmin = lab.users.domainAdmin!;

  await test.step('an unscoped sign-in leads to the scope picker, which offers the domain alone', async () => {
    await loginPage.open();
    await loginPage.signIn({
      cloud: 'lab-domain-admin',
      username: domainAdmin.name,
      password: domainAdmin.password,
    });
    await projectPickerPage.expectOpen();
    await expect(projectPickerPage.chooseDomainButton('Default')).toBeVisible();
    await expect(page.getByRole('button', { name: /^Use this project/ })).toHaveCount(0);
    await expect(projectPickerPage.chooseSystemButton).toHaveCount(0);
    for (const theme of ['Light', 'Dark'] as const) {
      await appHeader.chooseTheme(theme);
      await expectNoSeriousA11yViolations(page, `scope picker (${theme})`);
    }
  });

  await test.step('one click: a domain-scoped token', async () => {
    await projectPickerPage.chooseDomainButton('Default').click();
    await tokenPage.expectOpen();
    await expect(tokenPage.detail('Scope')).toHaveText('Domain Default (default)');
    await expect(appHeader.projectSwitch.locator('option:checked')).toHaveText('Domain: Default');
  });

  const copy = async (label: string) => {
    await page.getByRole('button', { name: `Copy as ${label}`, exact: true }).click();
    await expect(page.getByText('Copied', { exact: true }).first()).toBeVisible();
    return page.evaluate(() => navigator.clipboard.readText());
  };

  await test.step('openstack … --os-domain-id default project list lists the domain’s projects', async () => {
    const snippet = await copy('openstack CLI: project list');
    expect(snippet).toContain("--os-domain-id 'default'");
    const run = runBash(snippet);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const project of ['admin', 'demo', 'other']) expect(run.stdout).toContain(project);
  });

  await test.step('the openstacksdk script lists them too', async () => {
    const run = runPython(await copy('Python: openstacksdk'));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split('\n')).toEqual(expect.arrayContaining(['admin', 'demo', 'other']));
  });

  await test.step('the Terraform block scopes to the domain', async () => {
    await expect(page.getByText('domain_id     = "default"')).toBeVisible();
  });

  await test.step('the catalog page works for the domain scope', async () => {
    await appHeader.catalogLink.click();
    await expect(page.getByRole('table', { name: 'Service catalog' })).toContainText('identity');
  });
});
