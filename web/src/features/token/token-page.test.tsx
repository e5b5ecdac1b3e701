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

const secret = "gAAAAA-secret-'token'";
let monotonicNow = 1_000;

function baseRoutes(token = makeTokenInfo()) {
  return {
    'GET /api/session': sessionInfo,
    'GET /api/clouds': { clouds: [demoCloud] },
    'GET /api/projects': { projects: [{ id: 'p1', name: 'demo', domainId: 'default', enabled: true }] },
    'GET /api/token': token,
    'GET /api/token/secret': { token: secret, expiresAt: token.expiresAt },
    'GET /api/catalog': catalog,
    'GET /api/tokens': {
      tokens: [
        {
          id: 'tok1abcd',
          tokenPreview: 'gAAAAA',
          issuedAt: token.issuedAt,
          expiresAt: token.expiresAt,
          projectId: 'p1',
          isCurrent: true,
          isRevoked: false,
        },
      ],
    },
  };
}

beforeEach(() => {
  monotonicNow = 1_000;
  // The countdown reads only the monotonic clock; the wall clock is deliberately left alone.
  vi.spyOn(performance, 'now').mockImplementation(() => monotonicNow);
});

describe('TokenPage', () => {
  it('counts down from the BFF secondsLeft on the monotonic clock', async () => {
    mockFetch(baseRoutes(makeTokenInfo({ secondsLeft: 3000 })));
    renderApp('/');
    const timer = await screen.findByRole('timer', { name: 'Time left' });
    expect(timer.textContent).toBe('00:50:00');
    monotonicNow += 61_000;
    await waitFor(() => expect(timer.textContent).toBe('00:48:59'));
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('82');
  });

  it('keeps the token masked until revealed, and hides it again', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch(baseRoutes());
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Reveal token' }));
    expect((await screen.findByTestId('token-value')).textContent).toBe(secret);
    await user.click(screen.getByRole('button', { name: 'Hide token' }));
    expect(screen.getByTestId('token-value').textContent).not.toContain('secret');
    expect(calls.filter((c) => c.path === '/api/token/secret')).toHaveLength(1);
    expect(JSON.stringify({ ...window.localStorage, ...window.sessionStorage })).not.toContain('secret');
  });

  it('copies the token with one click and confirms it', async () => {
    const user = userEvent.setup();
    mockFetch(baseRoutes());
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Copy token' }));
    expect(await screen.findByText('Copied')).toBeTruthy();
    expect(await navigator.clipboard.readText()).toBe(secret);
  });

  it('copies a curl command for the chosen region with the real token, shell-quoted', async () => {
    const user = userEvent.setup();
    mockFetch(baseRoutes());
    renderApp('/');
    await user.selectOptions(await screen.findByLabelText('Region for snippets'), 'RegionTwo');
    await user.click(screen.getByRole('button', { name: 'Copy as curl: list networks' }));
    await screen.findByText('Copied');
    expect(await navigator.clipboard.readText()).toBe(
      `curl -sS -H 'X-Auth-Token: gAAAAA-secret-'\\''token'\\''' -H 'Accept: application/json' --url 'http://127.0.0.2:9696/v2.0/networks'`,
    );
  });

  it('warns in the last ten minutes and says what to do once expired', async () => {
    mockFetch(baseRoutes(makeTokenInfo({ secondsLeft: 601 })));
    renderApp('/');
    await screen.findByRole('timer');
    expect(screen.queryByText('The token expires in less than 10 minutes.')).toBeNull();
    monotonicNow += 2_000;
    expect(await screen.findByText('The token expires in less than 10 minutes.')).toBeTruthy();
    monotonicNow += 600_000;
    expect(await screen.findByText(/The token has expired\. Press Reissue/)).toBeTruthy();
    expect(screen.getByRole('timer').textContent).toBe('00:00:00');
  });

  it('shows a cooldown when reissue is rate limited', async () => {
    const user = userEvent.setup();
    mockFetch({
      ...baseRoutes(),
      'GET /api/csrf': { csrfToken: 'c' },
      'POST /api/token/reissue': () => errorResponse(429, 'rate_limited', { retryAfter: 30 }),
    });
    renderApp('/');
    const reissue = await screen.findByRole('button', { name: 'Reissue' });
    await user.click(reissue);
    expect(await screen.findByText('Rate limited: try again in 30 s.')).toBeTruthy();
    expect((reissue as HTMLButtonElement).disabled).toBe(true);
  });

  it('reissues and re-anchors the countdown on the new token', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch({
      ...baseRoutes(makeTokenInfo({ secondsLeft: 1800 })),
      'POST /api/token/reissue': () => jsonResponse(makeTokenInfo({ id: 'tok2abcd', secondsLeft: 3600 })),
    });
    renderApp('/');
    expect((await screen.findByRole('timer')).textContent).toBe('00:30:00');
    await user.click(screen.getByRole('button', { name: 'Reissue' }));
    await waitFor(() => expect(screen.getByRole('timer').textContent).toBe('01:00:00'));
    expect(calls.find((c) => c.path === '/api/token/reissue')?.body).toEqual({});
  });

  it('asks for the password when the server does not keep it', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch({
      ...baseRoutes(),
      'GET /api/session': { ...sessionInfo, reissueNeedsPassword: true },
      'POST /api/token/reissue': () => jsonResponse(makeTokenInfo({ id: 'tok2abcd' })),
    });
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Reissue' }));
    await user.type(await screen.findByLabelText('Password to reissue'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Reissue with password' }));
    await screen.findByText('A new token was issued.');
    expect(calls.find((c) => c.path === '/api/token/reissue')?.body).toEqual({ password: 'pw' });
  });

  it('offers "Renew through SSO" (a navigation) instead of Reissue after a single sign-on', async () => {
    const { calls } = mockFetch({
      ...baseRoutes(makeTokenInfo({ secondsLeft: 3000 })),
      'GET /api/session': { ...sessionInfo, reissueNeedsPassword: true, signInMethod: 'websso' },
    });
    renderApp('/');
    const renew = await screen.findByRole('link', { name: 'Renew through SSO' });
    expect(renew.getAttribute('href')).toBe('/api/sso/lab/start');
    expect(screen.queryByRole('button', { name: 'Reissue' })).toBeNull();
    expect(screen.getByRole('link', { name: 'Create an application credential' }).getAttribute('href')).toBe(
      '/credentials',
    );
    expect(screen.getByText(/cannot be extended/)).toBeTruthy();
    // Nothing auto-regenerates: no reissue is ever sent for an SSO session.
    expect(calls.some((c) => c.path === '/api/token/reissue')).toBe(false);
  });

  it('says why a "Renew through SSO" came back refused, on the page whose token still holds', async () => {
    mockFetch({
      ...baseRoutes(),
      'GET /api/session': { ...sessionInfo, reissueNeedsPassword: true, signInMethod: 'websso' },
    });
    renderApp('/?sso_error=forbidden&sso_reason=replayed');
    expect((await screen.findByRole('alert')).textContent).toMatch(/completed already/);
    expect(await screen.findByRole('link', { name: 'Renew through SSO' })).toBeTruthy();
  });

  it('warns that an SSO token ends soon', async () => {
    mockFetch({
      ...baseRoutes(makeTokenInfo({ secondsLeft: 300 })),
      'GET /api/session': { ...sessionInfo, reissueNeedsPassword: true, signInMethod: 'websso' },
    });
    renderApp('/');
    expect(await screen.findByText(/ends soon\. Renew it through your identity provider/)).toBeTruthy();
  });

  it('auto-regenerates about two minutes before expiry, once', async () => {
    const { calls } = mockFetch({
      ...baseRoutes(makeTokenInfo({ secondsLeft: 125 })),
      'POST /api/token/reissue': () => errorResponse(502, 'upstream_error'),
    });
    renderApp('/');
    await screen.findByRole('timer');
    expect(calls.some((c) => c.path === '/api/token/reissue')).toBe(false);
    monotonicNow += 6_000;
    await screen.findByText('The cloud answered with an error.');
    monotonicNow += 10_000;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(calls.filter((c) => c.path === '/api/token/reissue')).toHaveLength(1);
  });

  it('a 401 from a mutation goes to login through the one handler', async () => {
    const user = userEvent.setup();
    mockFetch({ ...baseRoutes(), 'POST /api/token/reissue': () => errorResponse(401, 'token_expired') });
    const { router } = renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Reissue' }));
    await screen.findByText('Your token expired and could not be renewed. Sign in again.');
    expect(router.state.location.search).toBe('?reason=token_expired&cloud=lab&region=RegionOne');
  });

  it('signs out: revokes through DELETE /api/session and returns to login', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch({
      ...baseRoutes(),
      'DELETE /api/session': { revoked: 1, notRevoked: 0 },
      'GET /api/clouds': { clouds: [demoCloud] },
    });
    const { router } = renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    await screen.findByText('You signed out. The token was revoked.');
    expect(router.state.location.pathname).toBe('/login');
    expect(calls.some((c) => c.method === 'DELETE' && c.path === '/api/session')).toBe(true);
  });

  it('shows token details and revokes an issued token', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch({
      ...baseRoutes(),
      'DELETE /api/tokens/tok1abcd': () => jsonResponse(null, 204),
    });
    renderApp('/');
    expect(await screen.findByText('audit-1')).toBeTruthy();
    expect(screen.getByText('member')).toBeTruthy();
    await user.click(await screen.findByRole('button', { name: 'Revoke token gAAAAA' }));
    await waitFor(() =>
      expect(calls.some((c) => c.method === 'DELETE' && c.path === '/api/tokens/tok1abcd')).toBe(true),
    );
  });
});
