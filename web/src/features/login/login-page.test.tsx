import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
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
    renderApp('/login');
    const username = await screen.findByLabelText('Username');
    await waitFor(() => expect((username as HTMLInputElement).value).toBe('demo'));
    await user.click(username);
    await user.paste(
      [
        'export OS_AUTH_URL=http://127.0.0.1:5000/v3/',
        "export OS_USERNAME='alice'",
        'export OS_PROJECT_ID=0123456789abcdef0123456789abcdef',
        'export OS_USER_DOMAIN_NAME="Users"',
        'export OS_REGION_NAME=RegionTwo',
        'export OS_PASSWORD=$OS_PASSWORD_INPUT',
      ].join('\n'),
    );
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('alice');
    expect((screen.getByLabelText('Project') as HTMLInputElement).value).toBe(
      '0123456789abcdef0123456789abcdef',
    );
    expect((screen.getByLabelText('User domain') as HTMLInputElement).value).toBe('Users');
    expect((screen.getByLabelText('Region') as HTMLSelectElement).value).toBe('RegionTwo');
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(screen.getByText('Filled 5 fields from the openrc file.')).toBeTruthy();
    expect(calls.map((c) => c.path)).toEqual(['/api/clouds']);
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

  it('sends an unscoped login to the project picker', async () => {
    const user = userEvent.setup();
    mockFetch({
      'GET /api/clouds': { clouds: [{ ...demoCloud, defaults: {} }] },
      'POST /api/session': () => jsonResponse({ ...sessionInfo, project: null }, 201),
      'GET /api/projects': { projects: [{ id: 'p1', name: 'demo', domainId: 'default', enabled: true }] },
    });
    const { router } = renderApp('/login');
    await user.type(await screen.findByLabelText('Username'), 'demo');
    await user.type(screen.getByLabelText('Password'), 'x');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('heading', { name: 'Choose a project' });
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
