import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
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

let monotonicNow = 1_000;

function routes(session: Record<string, unknown>, token = makeTokenInfo()) {
  return {
    'GET /api/session': { ...sessionInfo, ...session },
    'GET /api/clouds': { clouds: [demoCloud] },
    'GET /api/projects': { projects: [] },
    'GET /api/token': token,
    'GET /api/catalog': catalog,
    'GET /api/tokens': { tokens: [] },
    'GET /api/csrf': { csrfToken: 'c' },
  };
}

beforeEach(() => {
  monotonicNow = 1_000;
  vi.spyOn(performance, 'now').mockImplementation(() => monotonicNow);
});

describe('token card for an account with a second factor', () => {
  it('pauses auto-regenerate and says why, even when the token is due', async () => {
    const { calls } = mockFetch(
      routes({ requiresPasscodeForReissue: true }, makeTokenInfo({ secondsLeft: 60 })),
    );
    renderApp('/');
    expect(
      await screen.findByText(/Auto-regenerate is paused: this account has a second factor/),
    ).toBeTruthy();
    monotonicNow += 5_000;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.some((c) => c.path === '/api/token/reissue')).toBe(false);
  });

  it('asks for the passcode on reissue, sends it, and says when it is wrong', async () => {
    const user = userEvent.setup();
    let answer = () => errorResponse(401, 'invalid_credentials');
    const { calls } = mockFetch({
      ...routes({ requiresPasscodeForReissue: true }),
      'POST /api/token/reissue': () => answer(),
    });
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Reissue' }));
    const passcode = (await screen.findByLabelText('Passcode')) as HTMLInputElement;
    expect(passcode.getAttribute('autocomplete')).toBe('one-time-code');
    expect(passcode.getAttribute('inputmode')).toBe('numeric');
    expect(calls.some((c) => c.path === '/api/token/reissue')).toBe(false);

    await user.type(passcode, '123-456');
    await user.click(screen.getAllByRole('button', { name: 'Reissue' }).at(-1)!);
    expect(await screen.findByText(/That passcode is wrong or has expired/)).toBeTruthy();
    expect(calls.find((c) => c.path === '/api/token/reissue')?.body).toEqual({ passcode: '123456' });
    expect(passcode.value).toBe('');

    answer = () => jsonResponse(makeTokenInfo({ id: 'tok2efgh', tokenPreview: 'gBBBBB' }));
    await user.type(passcode, '654321');
    await user.click(screen.getAllByRole('button', { name: 'Reissue' }).at(-1)!);
    expect(await screen.findByText('A new token was issued.')).toBeTruthy();
    expect(screen.queryByLabelText('Passcode')).toBeNull();
  });

  it('asks for a passcode when the server answers mfa_required to a plain reissue', async () => {
    const user = userEvent.setup();
    mockFetch({ ...routes({}), 'POST /api/token/reissue': () => errorResponse(401, 'mfa_required') });
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Reissue' }));
    expect(await screen.findByLabelText('Passcode')).toBeTruthy();
    expect(screen.getByText(/Auto-regenerate is paused/)).toBeTruthy();
  });
});

describe('token details for an application credential', () => {
  it('names the credential and says it is restricted', async () => {
    mockFetch(
      routes(
        {},
        makeTokenInfo({
          methods: ['application_credential'],
          applicationCredential: { id: 'ac0123', name: 'api-access-lab', restricted: true },
        }),
      ),
    );
    renderApp('/');
    expect(await screen.findByText('api-access-lab (ac0123)')).toBeTruthy();
    expect(screen.getByText(/Restricted: no identity management/)).toBeTruthy();
  });

  it('shows no credential rows for a password token', async () => {
    mockFetch(routes({}, makeTokenInfo({ applicationCredential: null })));
    renderApp('/');
    await screen.findByText('Token details');
    await waitFor(() => expect(screen.queryByText('Application credential')).toBeNull());
  });
});
