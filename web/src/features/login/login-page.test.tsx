import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import {
  catalog,
  demoCloud,
  errorResponse,
  jsonResponse,
  makeTokenInfo,
  mockFetch,
  renderApp,
  sessionInfo,
} from '../../test-utils';

/** Opens the login page, waits for the demo cloud's defaults, then pastes an openrc into the form. */
async function pasteOpenrcOnLoginPage(
  user: ReturnType<typeof userEvent.setup>,
  lines: string[],
): Promise<void> {
  renderApp('/login');
  const username = await screen.findByLabelText('Username');
  await waitFor(() => expect((username as HTMLInputElement).value).toBe('demo'));
  await user.click(username);
  await user.paste(lines.join('\n'));
}

const signedInRoutes = {
  'GET /api/token': makeTokenInfo(),
  'GET /api/catalog': catalog,
  'GET /api/tokens': { tokens: [] },
  'GET /api/projects': { projects: [] },
};

describe('LoginPage', () => {
  it('prefills from the cloud defaults, signs in with the contract body and opens API access', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch({
      'GET /api/clouds': { clouds: [demoCloud] },
      'POST /api/session': () => jsonResponse(sessionInfo, 201),
      ...signedInRoutes,
    });
    const { router } = renderApp('/login');

    const username = await screen.findByLabelText('Username');
    await waitFor(() => expect((username as HTMLInputElement).value).toBe('demo'));
    expect((screen.getByLabelText('Cloud') as HTMLSelectElement).value).toBe('lab');
    expect((screen.getByLabelText('User domain') as HTMLInputElement).value).toBe('Default');
    expect((screen.getByLabelText('Project') as HTMLInputElement).value).toBe('demo');
    expect((screen.getByLabelText('Project domain') as HTMLInputElement).value).toBe('Default');
    expect((screen.getByLabelText('Region') as HTMLSelectElement).value).toBe('RegionOne');

    await user.selectOptions(screen.getByLabelText('Region'), 'RegionTwo');
    await user.type(screen.getByLabelText('Password'), "pa$$ 'w");
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    await screen.findByRole('heading', { name: 'API access' });
    expect(router.state.location.pathname).toBe('/');
    expect(calls.find((c) => c.method === 'POST' && c.path === '/api/session')?.body).toEqual({
      cloud: 'lab',
      username: 'demo',
      password: "pa$$ 'w",
      userDomainName: 'Default',
      projectName: 'demo',
      projectDomainName: 'Default',
      regionName: 'RegionTwo',
    });
    // Only the cloud and region are remembered; never the password.
    expect(window.localStorage.getItem('api-access.lastCloud')).toBe('lab');
    expect(JSON.stringify({ ...window.localStorage })).not.toContain('pa$$');
  });

  it('offers "Sign in with SSO" as a link to the BFF start beside the password, and explains Keystone errors first', async () => {
    mockFetch({
      'GET /api/clouds': { clouds: [{ ...demoCloud, websso: { label: 'Corp IdP' } }] },
    });
    renderApp('/login');
    const link = await screen.findByRole('link', { name: 'Sign in with Corp IdP' });
    expect(link.getAttribute('href')).toBe('/api/sso/lab/start');
    expect(screen.getByText(/ends on a Keystone error page/)).toBeTruthy();
    expect(screen.getByLabelText('Password')).toBeTruthy();
  });

  it('shows only the SSO sign-in for a cloud with auth_type v3websso', async () => {
    mockFetch({
      'GET /api/clouds': {
        clouds: [{ ...demoCloud, name: 'corp', authType: 'websso', websso: { label: 'Corp IdP' } }],
      },
    });
    renderApp('/login');
    expect(await screen.findByRole('link', { name: 'Sign in with Corp IdP' })).toBeTruthy();
    expect(screen.queryByLabelText('Password')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
  });

  it('names why a single sign-on came back refused (?sso_error=)', async () => {
    mockFetch({ 'GET /api/clouds': { clouds: [demoCloud] } });
    const { unmount } = renderApp('/login?sso_error=forbidden');
    expect((await screen.findByRole('alert')).textContent).toMatch(/did not start in this browser/);
    unmount();
    renderApp('/login?sso_error=forbidden&sso_reason=foreign_origin');
    expect((await screen.findByRole('alert')).textContent).toMatch(/did not come from this cloud’s Keystone/);
  });

  it('shows the demo cloud notice with its credentials and prefills them', async () => {
    mockFetch({
      'GET /api/clouds': {
        clouds: [{ ...demoCloud, name: 'demo', demo: { username: 'guest', password: 'guest-pass' } }],
      },
    });
    renderApp('/login');
    expect(await screen.findByText('This is the built-in demo cloud')).toBeTruthy();
    expect(screen.getByText(/Username: guest · Password: guest-pass/)).toBeTruthy();
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('guest-pass');
  });

  it('fills the form from a pasted openrc without sending it anywhere', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch({ 'GET /api/clouds': { clouds: [demoCloud] } });
    await pasteOpenrcOnLoginPage(user, [
      'export OS_AUTH_URL=http://127.0.0.1:5000/v3/',
      "export OS_USERNAME='alice'",
      'export OS_PROJECT_ID=0123456789abcdef0123456789abcdef',
      'export OS_USER_DOMAIN_NAME="Users"',
      'export OS_REGION_NAME=RegionTwo',
      'export OS_PASSWORD=$OS_PASSWORD_INPUT',
    ]);
    // The openrc reader loads on first use: wait for what it says it read.
    expect(await screen.findByText('Read a password openrc: filled 5 fields.')).toBeTruthy();
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('alice');
    expect((screen.getByLabelText('Project') as HTMLInputElement).value).toBe(
      '0123456789abcdef0123456789abcdef',
    );
    expect((screen.getByLabelText('User domain') as HTMLInputElement).value).toBe('Users');
    expect((screen.getByLabelText('Region') as HTMLSelectElement).value).toBe('RegionTwo');
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(calls.map((c) => c.path)).toEqual(['/api/clouds']);
  });

  it("an openrc of another cloud switches to it and starts from that cloud's defaults", async () => {
    const user = userEvent.setup();
    const vkCloud = {
      ...demoCloud,
      name: 'vk',
      authUrl: 'https://infra.mail.ru:35357/v3/',
      regions: ['ru-msk'],
      defaults: { userDomainName: 'users', regionName: 'ru-msk' },
    };
    mockFetch({ 'GET /api/clouds': { clouds: [demoCloud, vkCloud] } });
    await pasteOpenrcOnLoginPage(user, [
      'export OS_AUTH_URL=https://infra.mail.ru:35357/v3/',
      'export OS_USERNAME=operator@example.com',
      'export OS_PROJECT_ID=b5b7ffd4ef0547e5b222f44555dfcc4a',
    ]);
    expect((screen.getByLabelText('Cloud') as HTMLSelectElement).value).toBe('vk');
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('operator@example.com');
    // Not the first cloud's "Default" domain, "demo" project domain or RegionOne.
    expect((screen.getByLabelText('User domain') as HTMLInputElement).value).toBe('users');
    expect((screen.getByLabelText('Project domain') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Region') as HTMLSelectElement).value).toBe('ru-msk');
  });

  it('reads a chosen openrc file (v2.0) in the browser', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch({ 'GET /api/clouds': { clouds: [demoCloud] } });
    renderApp('/login');
    const username = await screen.findByLabelText('Username');
    await waitFor(() => expect((username as HTMLInputElement).value).toBe('demo'));
    const file = new File(
      [
        'export OS_AUTH_URL=http://127.0.0.1:5000/v2.0\nexport OS_TENANT_NAME="ops team"\nexport OS_USERNAME=bob # me\n',
      ],
      'openrc.sh',
      { type: 'text/plain' },
    );
    await user.upload(screen.getByLabelText('Load an openrc file'), file);
    await waitFor(() => expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('bob'));
    expect((screen.getByLabelText('Project') as HTMLInputElement).value).toBe('ops team');
    expect(calls.map((c) => c.path)).toEqual(['/api/clouds']);
  });

  it('switches to the application credential sign-in for a pasted Horizon application credential openrc', async () => {
    const user = userEvent.setup();
    const secret = 'Xq7-openrc-secret';
    const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method),
    );
    const { calls } = mockFetch({
      'GET /api/clouds': { clouds: [demoCloud] },
      'POST /api/session': () => jsonResponse(sessionInfo, 201),
      ...signedInRoutes,
    });
    await pasteOpenrcOnLoginPage(user, [
      '#!/usr/bin/env bash',
      '',
      'export OS_AUTH_TYPE=v3applicationcredential',
      'export OS_AUTH_URL=http://127.0.0.1:5000/v3',
      'export OS_IDENTITY_API_VERSION=3',
      'export OS_REGION_NAME="RegionTwo"',
      'export OS_INTERFACE=public',
      'export OS_APPLICATION_CREDENTIAL_ID=21dced0fd20347869b93710d2b98aae0',
      `export OS_APPLICATION_CREDENTIAL_SECRET=${secret}`,
    ]);

    expect((screen.getByLabelText('Application credential ID') as HTMLInputElement).value).toBe(
      '21dced0fd20347869b93710d2b98aae0',
    );
    expect((screen.getByLabelText('Application credential secret') as HTMLInputElement).value).toBe(secret);
    expect((screen.getByLabelText('Region') as HTMLSelectElement).value).toBe('RegionTwo');
    expect(screen.queryByLabelText('Password')).toBeNull();
    expect(screen.queryByLabelText('Project')).toBeNull();
    expect(screen.getByText('Read an application credential openrc: filled 4 fields.')).toBeTruthy();
    expect(screen.getByText(/from the openrc: its token is bound to the credential's project/)).toBeTruthy();
    expect(calls.map((c) => c.path)).toEqual(['/api/clouds']);

    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('heading', { name: 'API access' });
    expect(calls.find((c) => c.method === 'POST' && c.path === '/api/session')?.body).toEqual({
      cloud: 'lab',
      applicationCredentialId: '21dced0fd20347869b93710d2b98aae0',
      applicationCredentialSecret: secret,
      regionName: 'RegionTwo',
    });
    // The secret went with the sign-in request only: not kept in the browser, not logged.
    expect(calls.filter((c) => JSON.stringify(c).includes(secret))).toHaveLength(1);
    expect(JSON.stringify({ ...window.localStorage, ...window.sessionStorage })).not.toContain(secret);
    for (const spy of consoleSpies) expect(JSON.stringify(spy.mock.calls)).not.toContain(secret);
  });

  it('fills a credential named by name with its owner, and leaves an expanded secret to the operator', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch({
      'GET /api/clouds': { clouds: [demoCloud] },
      'POST /api/session': () => errorResponse(401, 'invalid_credentials'),
    });
    await pasteOpenrcOnLoginPage(user, [
      // No OS_AUTH_TYPE: the credential name decides, though a password is there too.
      'export OS_AUTH_URL=http://127.0.0.1:5000/v3/',
      "export OS_APPLICATION_CREDENTIAL_NAME='ci runner'",
      'export OS_USERNAME="alice"',
      'export OS_USER_DOMAIN_ID=0123456789abcdef0123456789abcdef',
      'export OS_PASSWORD=not-for-this-sign-in',
      'read -sr OS_APP_SECRET_INPUT',
      'export OS_APPLICATION_CREDENTIAL_SECRET=$OS_APP_SECRET_INPUT',
    ]);

    expect((screen.getByLabelText('Application credential name') as HTMLInputElement).value).toBe(
      'ci runner',
    );
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('alice');
    expect((screen.getByLabelText('User domain') as HTMLInputElement).value).toBe(
      '0123456789abcdef0123456789abcdef',
    );
    expect((screen.getByLabelText('Application credential secret') as HTMLInputElement).value).toBe('');
    expect(screen.queryByLabelText('Application credential ID')).toBeNull();
    expect(screen.getByText('Read an application credential openrc: filled 4 fields.')).toBeTruthy();

    await user.type(screen.getByLabelText('Application credential secret'), 'typed');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'POST' && c.path === '/api/session')?.body).toEqual({
        cloud: 'lab',
        applicationCredentialName: 'ci runner',
        username: 'alice',
        userDomainId: '0123456789abcdef0123456789abcdef',
        applicationCredentialSecret: 'typed',
        regionName: 'RegionOne',
      }),
    );

    // The cloud's own sign-in stays one click away.
    await user.click(screen.getByRole('button', { name: 'Sign in with a password instead' }));
    expect(screen.getByLabelText('Password')).toBeTruthy();
    expect(screen.queryByLabelText('Application credential name')).toBeNull();
  });

  it('keeps the password sign-in when OS_AUTH_TYPE says so or names no credential', async () => {
    const user = userEvent.setup();
    mockFetch({ 'GET /api/clouds': { clouds: [demoCloud] } });
    await pasteOpenrcOnLoginPage(user, [
      'export OS_AUTH_TYPE=password',
      'export OS_APPLICATION_CREDENTIAL_ID=21dced0fd20347869b93710d2b98aae0',
      'export OS_APPLICATION_CREDENTIAL_SECRET=s',
      'export OS_USERNAME=bob',
    ]);
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('bob');
    expect(screen.getByLabelText('Password')).toBeTruthy();
    expect(screen.queryByLabelText('Application credential ID')).toBeNull();
    expect(screen.getByText('Read a password openrc: filled 1 fields.')).toBeTruthy();

    await user.click(screen.getByLabelText('Username'));
    await user.paste('export OS_AUTH_TYPE=v3applicationcredential\nexport OS_USERNAME=carol\n');
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('carol');
    expect(screen.getByLabelText('Password')).toBeTruthy();
  });

  it('says clearly when the credentials are wrong or the login is rate limited', async () => {
    const user = userEvent.setup();
    let attempt = 0;
    mockFetch({
      'GET /api/clouds': { clouds: [demoCloud] },
      'POST /api/session': () =>
        ++attempt === 1
          ? errorResponse(401, 'invalid_credentials')
          : errorResponse(429, 'rate_limited', { retryAfter: 30 }),
    });
    const { router } = renderApp('/login');
    await user.type(await screen.findByLabelText('Password'), 'nope');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong username, password or domain.');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe('Too many attempts. Try again in 30 s.'),
    );
    // A wrong password is not a lost session: we stay on the form.
    expect(router.state.location.pathname).toBe('/login');
  });

  it('sends an unscoped login to the scope picker', async () => {
    const user = userEvent.setup();
    mockFetch({
      'GET /api/clouds': { clouds: [{ ...demoCloud, defaults: {} }] },
      'POST /api/session': () => jsonResponse({ ...sessionInfo, project: null }, 201),
      'GET /api/scopes': {
        projects: [{ id: 'p1', name: 'demo', domainId: 'default', enabled: true }],
        domains: [],
        system: false,
      },
    });
    const { router } = renderApp('/login');
    await user.type(await screen.findByLabelText('Username'), 'demo');
    await user.type(screen.getByLabelText('Password'), 'x');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('heading', { name: 'Choose a scope' });
    expect(router.state.location.pathname).toBe('/projects');
  });
});

describe('lost session', () => {
  it('sends any 401 to /login with the reason, keeping cloud and region', async () => {
    window.localStorage.setItem('api-access.lastCloud', 'lab');
    window.localStorage.setItem('api-access.lastRegion', 'RegionTwo');
    mockFetch({
      'GET /api/session': () => errorResponse(401, 'token_expired'),
      'GET /api/clouds': { clouds: [demoCloud] },
    });
    const { router } = renderApp('/networks');
    await screen.findByText('Your token expired and could not be renewed. Sign in again.');
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe('?reason=token_expired&cloud=lab&region=RegionTwo');
    await waitFor(() =>
      expect((screen.getByLabelText('Region') as HTMLSelectElement).value).toBe('RegionTwo'),
    );
  });
});
