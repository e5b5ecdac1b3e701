import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '../fixtures.js';
import { expectNoSeriousA11yViolations } from '../support/a11y.js';
import { makeScratchDir, runBash, runPython } from '../support/run-client.js';

test('the admin switches to system scope in the header, and the copied openstack, openstacksdk and OS_CLOUD snippets list the regions with the real clients', async ({
  page,
  lab,
  loginPage,
  tokenPage,
  appHeader,
  catalogPage,
  networksPage,
}) => {
  const admin = lab.users.admin!;

  await test.step('the admin signs in to project admin; the header offers the project and the system', async () => {
    await loginPage.open();
    await loginPage.signIn({ cloud: 'lab-admin', username: admin.name, password: admin.password });
    await tokenPage.expectOpen();
    await expect(tokenPage.detail('Scope')).toHaveText('Project admin');
    await expect(appHeader.projectSwitch.locator('option')).toHaveText(['admin', 'System (all)']);
  });

  await test.step('one click: the token is now system-scoped', async () => {
    await appHeader.switchScope('System (all)');
    await expect(tokenPage.detail('Scope')).toHaveText('System (all)');
    await expect(tokenPage.detail('Project')).toHaveText('—');
  });

  const copy = async (label: string) => {
    await page.getByRole('button', { name: `Copy as ${label}`, exact: true }).click();
    await expect(page.getByText('Copied', { exact: true }).first()).toBeVisible();
    return page.evaluate(() => navigator.clipboard.readText());
  };

  await test.step('openstack … --os-system-scope all region list, pasted into bash', async () => {
    const snippet = await copy('openstack CLI: region list');
    expect(snippet).toContain('--os-system-scope all');
    const run = runBash(snippet);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const region of lab.regions) expect(run.stdout).toContain(region);
  });

  await test.step('the openstacksdk script, run by /usr/bin/python3', async () => {
    const script = await copy('Python: openstacksdk');
    const run = runPython(script);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').sort()).toEqual([...lab.regions].sort());
  });

  await test.step('the downloaded clouds.yaml with OS_CLOUD, the password typed as OS_PASSWORD', async () => {
    const dir = makeScratchDir();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download clouds.yaml' }).click();
    await (await download).saveAs(path.join(dir, 'clouds.yaml'));
    expect(fs.readFileSync(path.join(dir, 'clouds.yaml'), 'utf8')).toContain('system_scope: "all"');
    const usage = await copy('OS_CLOUD with the downloaded clouds.yaml');
    const run = runBash(usage, { cwd: dir, env: { OS_PASSWORD: admin.password } });
    expect(run.status, run.stderr).toBe(0);
    for (const region of lab.regions) expect(run.stdout).toContain(region);
  });

  await test.step('the Terraform block scopes to the system; the page is axe-clean light and dark', async () => {
    await expect(page.getByText('system_scope  = true')).toBeVisible();
    for (const theme of ['Light', 'Dark'] as const) {
      await appHeader.chooseTheme(theme);
      await expectNoSeriousA11yViolations(page, `API access, system scope (${theme})`);
    }
  });

  await test.step('the catalog and networks pages work for the system scope', async () => {
    await appHeader.catalogLink.click();
    await expect(catalogPage.heading).toBeVisible();
    await expect(page.getByRole('table', { name: 'Service catalog' })).toContainText('network');
    await appHeader.networksLink.click();
    await expect(networksPage.heading).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'scoped to System (all)' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Networks' })).toContainText('demo-net-1');
    for (const theme of ['Light', 'Dark'] as const) {
      await appHeader.chooseTheme(theme);
      await expectNoSeriousA11yViolations(page, `networks, system scope (${theme})`);
    }
  });

  await test.step('back to project admin: the openstacksdk script lists the networks', async () => {
    await appHeader.switchScope('admin');
    await appHeader.apiAccessLink.click();
    await expect(tokenPage.detail('Scope')).toHaveText('Project admin');
    const run = runPython(await copy('Python: openstacksdk'));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split('\n')).toEqual(expect.arrayContaining(['public', 'demo-net-1']));
  });
});
