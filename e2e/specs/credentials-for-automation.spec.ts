import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '../fixtures.js';
import { CredentialsPage } from '../pages/credentials-page.js';
import { expectNoSeriousA11yViolations } from '../support/a11y.js';
import { askEc2Tokens, signEc2RequestV2 } from '../../server/test/support/ec2-signature.js';
import type { LabFacts } from '../../server/test/support/lab-facts.js';

const run = promisify(execFile);

/** The real `openstack` CLI with nothing but the given clouds.yaml: no OS_* variable of ours leaks in. */
async function openstack(
  cloudsYaml: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'openstack-cli-'));
  const file = path.join(home, 'clouds.yaml');
  fs.writeFileSync(file, cloudsYaml, { mode: 0o600 });
  try {
    const { stdout, stderr } = await run('openstack', ['--os-cloud', 'lab', ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, OS_CLIENT_CONFIG_FILE: file },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

async function adminToken(lab: LabFacts): Promise<string> {
  const admin = lab.users.admin!;
  const response = await fetch(`${lab.keystoneUrl}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: admin.name, domain: { id: 'default' }, password: admin.password } },
        },
        scope: { project: { name: 'admin', domain: { id: 'default' } } },
      },
    }),
  });
  expect(response.status).toBe(201);
  return response.headers.get('x-subject-token')!;
}

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}`;

test('an application credential made in the dashboard works with the openstack CLI and the dashboard, and stops working once deleted', async ({
  lab,
  signedIn,
  page,
  loginPage,
  tokenPage,
  appHeader,
}) => {
  test.setTimeout(180_000);
  void signedIn;
  const credentials = new CredentialsPage(page);
  const name = unique('e2e-cli');
  let created = { id: '', secret: '' };
  let cloudsYaml = '';
  // Every answer of the BFF after the creation's: none may carry the secret.
  const laterAnswers: Promise<string>[] = [];
  let isCreated = false;
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (response.request().method() === 'POST' && url.pathname === '/api/application-credentials') {
      isCreated = true;
      return;
    }
    if (isCreated && url.pathname.startsWith('/api/')) laterAnswers.push(response.text().catch(() => ''));
  });

  await test.step('create it with an expiry and the reader role only; the secret shows once', async () => {
    await credentials.open();
    created = await credentials.createApplicationCredential({
      name,
      expiresLocal: '2031-03-04T05:06',
      roles: ['reader'],
    });
    expect(created.secret.length).toBeGreaterThan(20);
    cloudsYaml = (await credentials.download('Download clouds.yaml')).text;
    expect(cloudsYaml).toContain('auth_type: "v3applicationcredential"');
    expect(cloudsYaml).toContain(created.secret);
  });

  await test.step('Keystone stores the expiry (the operator’s time, in UTC) and the roles asked for', async () => {
    const token = await fetch(`${lab.keystoneUrl}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['application_credential'],
            application_credential: { id: created.id, secret: created.secret },
          },
        },
      }),
    });
    expect(token.status).toBe(201);
    const subject = token.headers.get('x-subject-token')!;
    const body = (await (
      await fetch(`${lab.keystoneUrl}/v3/users/${lab.users.demo!.id}/application_credentials/${created.id}`, {
        headers: { 'X-Auth-Token': subject },
      })
    ).json()) as { application_credential: { expires_at: string; roles: { name: string }[] } };
    const browserOffsetMinutes = await page.evaluate(() => new Date('2031-03-04T05:06').getTimezoneOffset());
    const expected = new Date(Date.UTC(2031, 2, 4, 5, 6) + browserOffsetMinutes * 60_000)
      .toISOString()
      .slice(0, 19);
    expect(body.application_credential.expires_at.slice(0, 19)).toBe(expected);
    expect(body.application_credential.roles.map((role) => role.name)).toEqual(['reader']);
  });

  await test.step('the real openstack CLI signs in with the downloaded clouds.yaml and lists the project networks', async () => {
    const listed = await openstack(cloudsYaml, ['network', 'list', '-f', 'json', '-c', 'Name']);
    expect(listed.code, listed.stderr).toBe(0);
    const names = (JSON.parse(listed.stdout) as { Name: string }[]).map((network) => network.Name);
    expect(names).toEqual(expect.arrayContaining(['demo-net-1', 'demo-net-2', 'demo-net-3']));
  });

  await test.step('forget the secret: it is gone from the page', async () => {
    await credentials.forgetSecret();
    await expect(page.locator('body')).not.toContainText(created.secret);
    await expect(credentials.applicationCredentialRow(name)).toBeVisible();
  });

  await test.step('the same credential signs in to the dashboard', async () => {
    await appHeader.signOut();
    await loginPage.open();
    await loginPage.cloud.selectOption('lab-appcred');
    await page.getByLabel('Application credential ID').fill(created.id);
    await page.getByLabel('Application credential secret').fill(created.secret);
    await loginPage.signInButton.click();
    await tokenPage.expectOpen();
    await expect(page.getByText(name).first()).toBeVisible();
    await appHeader.signOut();
  });

  await test.step('no answer of the BFF after the creation carries the secret', async () => {
    const texts = await Promise.all(laterAnswers);
    expect(texts.length).toBeGreaterThan(3);
    for (const text of texts) expect(text).not.toContain(created.secret);
  });

  await test.step('deleted in the dashboard, Keystone refuses it', async () => {
    const demo = lab.users.demo!;
    await loginPage.open();
    await loginPage.signIn({ cloud: 'lab', username: demo.name, password: demo.password });
    await tokenPage.expectOpen();
    await credentials.open();
    await credentials.deleteApplicationCredential(name);
    const refused = await openstack(cloudsYaml, ['token', 'issue', '-f', 'json']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Could not find Application Credential|401|404|authenticat/i);
  });
});

test('an EC2 credential made in the dashboard signs S3 requests Keystone accepts, until it is deleted by keyboard', async ({
  lab,
  signedIn,
  page,
}) => {
  void signedIn;
  const credentials = new CredentialsPage(page);
  await credentials.open();
  const { access, secret } = await credentials.createEc2Credential();
  expect(access).toMatch(/^[0-9a-f]{32}$/);

  await test.step('the AWS and rclone files carry the key pair and say there is no S3 endpoint in the lab catalog', async () => {
    await expect(credentials.createdPanel).toContainText('The catalog names no S3 endpoint');
    const awsCredentials = (await credentials.download('Download AWS credentials')).text;
    expect(awsCredentials).toContain(`aws_access_key_id = ${access}\naws_secret_access_key = ${secret}`);
    const rclone = (await credentials.download('Download rclone remote')).text;
    expect(rclone).toContain('type = s3');
    expect((await credentials.download('Download AWS config')).text).toContain('[profile openstack-lab]');
  });

  const adminAuth = await adminToken(lab);
  const host = new URL(lab.keystoneUrl).host;
  await test.step('POST /v3/ec2tokens accepts a request signed with it, and refuses a wrong signature', async () => {
    const accepted = await askEc2Tokens(
      lab.keystoneUrl,
      adminAuth,
      signEc2RequestV2(access, secret, { host }),
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body.token.project.id).toBe(lab.projects.demo!.id);
    const wrong = await askEc2Tokens(
      lab.keystoneUrl,
      adminAuth,
      signEc2RequestV2(access, `${secret}0`, { host }),
    );
    expect(wrong.status).toBe(401);
  });

  await test.step('deleted with the keyboard alone, the signed request is refused', async () => {
    await credentials.forgetSecret();
    await expect(credentials.ec2Section.getByText(access)).toBeVisible();
    await credentials.deleteEc2CredentialByKeyboard(access);
    const refused = await askEc2Tokens(
      lab.keystoneUrl,
      adminAuth,
      signEc2RequestV2(access, secret, { host }),
    );
    expect(refused.status).not.toBe(200);
  });
});

test('the credentials page is axe-clean in light and dark, with the form, its warning and a new secret, and speaks Russian', async ({
  signedIn,
  page,
  appHeader,
}) => {
  void signedIn;
  const credentials = new CredentialsPage(page);
  await credentials.open();
  for (const theme of ['Light', 'Dark'] as const) {
    await appHeader.chooseTheme(theme);
    await expectNoSeriousA11yViolations(page, `credentials (${theme})`);
  }
  await credentials.newAppCredentialButton.click();
  const form = page.getByRole('form', { name: 'New application credential' });
  await form.getByRole('checkbox', { name: 'Unrestricted' }).check();
  await expect(form.getByText(/can create and delete other application credentials/)).toBeVisible();
  await form.getByLabel('Access rules (optional)').fill('- service: network\nmethod: GET');
  await form.getByRole('button', { name: 'Create application credential' }).click();
  await expect(form.getByText('The access rules cannot be read (line 2).')).toBeVisible();
  await expect(form.getByText('Enter a name.')).toBeVisible();
  for (const theme of ['Light', 'Dark'] as const) {
    await appHeader.chooseTheme(theme);
    await expectNoSeriousA11yViolations(page, `credentials form with errors (${theme})`);
  }
  await form.getByRole('button', { name: 'Cancel' }).click();

  const name = unique('e2e-axe');
  await credentials.createApplicationCredential({ name });
  for (const theme of ['Light', 'Dark'] as const) {
    await appHeader.chooseTheme(theme);
    await expectNoSeriousA11yViolations(page, `credentials with a new secret (${theme})`);
  }
  await credentials.forgetSecret();

  await appHeader.language.selectOption({ label: 'Русский' });
  await expect(
    page.getByRole('heading', { name: 'Учётные данные для автоматизации', level: 1 }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Учётные данные EC2 (ключи S3)' })).toBeVisible();
  await page.getByLabel('Язык', { exact: true }).selectOption({ label: 'English' });
  await credentials.deleteApplicationCredential(name);
});
