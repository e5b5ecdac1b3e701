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

const mfaRequired = () => errorResponse(401, 'mfa_required');

async function passwordStep(user: ReturnType<typeof userEvent.setup>) {
  await waitFor(() => expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('demo'));
  await user.type(screen.getByLabelText('Password'), 'pw');
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  return (await screen.findByLabelText('Passcode')) as HTMLInputElement;
}

describe('sign-in with a second factor', () => {
  it('asks for the passcode after mfa_required, takes a pasted code and completes the sign-in', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch({
      'GET /api/clouds': { clouds: [demoCloud] },
      'POST /api/session': mfaRequired,
      'POST /api/session/mfa': () => jsonResponse({ ...sessionInfo, requiresPasscodeForReissue: true }, 201),
      ...signedInRoutes,
    });
    const { router } = renderApp('/login');

    const passcode = await passwordStep(user);
    expect(screen.getByRole('heading', { name: 'Second factor' })).toBeTruthy();
    expect(screen.queryByLabelText('Password')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(passcode));
    expect(passcode.getAttribute('inputmode')).toBe('numeric');
    expect(passcode.getAttribute('autocomplete')).toBe('one-time-code');

    await user.paste(' 123 456\n');
    expect(passcode.value).toBe('123456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    await screen.findByRole('heading', { name: 'API access' });
    expect(router.state.location.pathname).toBe('/');
    expect(calls.find((c) => c.path === '/api/session/mfa')?.body).toEqual({ passcode: '123456' });
  });

  it('says a wrong code is wrong and clears it; an expired sign-in goes back to the password', async () => {
    const user = userEvent.setup();
    let answer = () => errorResponse(401, 'invalid_credentials');
    const { calls } = mockFetch({
      'GET /api/clouds': { clouds: [demoCloud] },
      'POST /api/session': mfaRequired,
      'POST /api/session/mfa': () => answer(),
    });
    renderApp('/login');

    const passcode = await passwordStep(user);
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    // Announced (role=alert) and tied to the field, which keeps the focus for the missing digits.
    expect((await screen.findByRole('alert')).textContent).toBe('Enter all 6 digits of the passcode.');
    expect(passcode.getAttribute('aria-invalid')).toBe('true');
    expect(passcode.getAttribute('aria-describedby')).toContain(`${passcode.id}-error`);
    expect(document.activeElement).toBe(passcode);
    expect(calls.some((c) => c.path === '/api/session/mfa')).toBe(false);

    await user.type(passcode, '000000');
    expect(screen.queryByRole('alert')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/^That passcode is wrong or has expired/);
    expect(passcode.value).toBe('');
    await waitFor(() => expect(document.activeElement).toBe(passcode));

    // Too few digits after a wrong code: only the current problem is shown, not the old answer.
    await user.type(passcode, '12{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe('Enter all 6 digits of the passcode.');
    await user.clear(passcode);

    answer = () => errorResponse(401, 'not_authenticated');
    await user.type(passcode, '111111');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByText(/The sign-in took too long and expired/)).toBeTruthy();
    expect(screen.getByLabelText('Password')).toBeTruthy();
    expect(screen.queryByLabelText('Passcode')).toBeNull();
  });

  it('goes back to the password form on "Start over"', async () => {
    const user = userEvent.setup();
    mockFetch({ 'GET /api/clouds': { clouds: [demoCloud] }, 'POST /api/session': mfaRequired });
    renderApp('/login');
    await passwordStep(user);
    await user.click(screen.getByRole('button', { name: 'Start over' }));
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(screen.queryByText(/expired/)).toBeNull();
  });
});

describe('sign-in with an application credential', () => {
  const appCredCloud = {
    ...demoCloud,
    name: 'lab-appcred',
    authType: 'application_credential',
    defaults: { applicationCredentialId: 'ac0123', regionName: 'RegionOne' },
  };

  it('offers the credential id and secret instead of user, password and project', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch({
      'GET /api/clouds': { clouds: [appCredCloud] },
      'POST /api/session': () => jsonResponse({ ...sessionInfo, cloud: 'lab-appcred' }, 201),
      ...signedInRoutes,
    });
    renderApp('/login');

    const id = (await screen.findByLabelText('Application credential ID')) as HTMLInputElement;
    await waitFor(() => expect(id.value).toBe('ac0123'));
    expect(screen.queryByLabelText('Password')).toBeNull();
    expect(screen.queryByLabelText('Project')).toBeNull();
    expect(screen.getByText(/bound to the credential's project/)).toBeTruthy();

    await user.type(screen.getByLabelText('Application credential secret'), 's3cret');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('heading', { name: 'API access' });
    expect(calls.find((c) => c.method === 'POST' && c.path === '/api/session')?.body).toEqual({
      cloud: 'lab-appcred',
      applicationCredentialId: 'ac0123',
      applicationCredentialSecret: 's3cret',
      regionName: 'RegionOne',
    });
  });

  it('asks for the user of a credential named by name', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch({
      'GET /api/clouds': {
        clouds: [
          {
            ...appCredCloud,
            defaults: { applicationCredentialName: 'ci', username: 'demo', userDomainName: 'Default' },
          },
        ],
      },
      'POST /api/session': () => errorResponse(401, 'invalid_credentials'),
    });
    renderApp('/login');
    const name = (await screen.findByLabelText('Application credential name')) as HTMLInputElement;
    await waitFor(() => expect(name.value).toBe('ci'));
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('demo');
    await user.type(screen.getByLabelText('Application credential secret'), 'x');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'POST' && c.path === '/api/session')?.body).toEqual({
        cloud: 'lab-appcred',
        applicationCredentialName: 'ci',
        username: 'demo',
        userDomainName: 'Default',
        applicationCredentialSecret: 'x',
        regionName: 'RegionOne',
      }),
    );
  });
});
