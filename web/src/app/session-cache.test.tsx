import type { QueryClient } from '@tanstack/react-query';
import { screen, waitFor, within } from '@testing-library/react';
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
} from '../test-utils';

const network = {
  id: 'net-1',
  name: 'private',
  status: 'ACTIVE',
  adminStateUp: true,
  shared: false,
  external: false,
  mtu: 1450,
  subnets: [],
  projectId: 'p1',
  availabilityZones: ['nova'],
  description: '',
  createdAt: null,
  updatedAt: null,
};

function signedInRoutes() {
  return {
    'GET /api/session': sessionInfo,
    'GET /api/clouds': { clouds: [demoCloud] },
    'GET /api/scopes': {
      projects: [{ id: 'p1', name: 'demo', domainId: 'default', enabled: true }],
      domains: [],
      system: false,
    },
    'GET /api/token': makeTokenInfo(),
    'GET /api/tokens': { tokens: [] },
    'GET /api/catalog': catalog,
    'GET /api/networks': { networks: [network], nextMarker: null },
  };
}

const cachedKeys = (queryClient: QueryClient) =>
  queryClient
    .getQueryCache()
    .getAll()
    .map((query) => query.queryKey);

/** Visit the token page and the networks page, so every kind of session answer is cached. */
async function fillTheCache(user: ReturnType<typeof userEvent.setup>, queryClient: QueryClient) {
  await screen.findByRole('heading', { name: 'API access' });
  await screen.findByText('demo (p1)');
  await user.click(screen.getByRole('link', { name: 'Networks' }));
  const table = await screen.findByRole('table', { name: 'Networks' });
  await within(table).findByRole('button', { name: 'Details for private' });
  await waitFor(() => expect(queryClient.isFetching()).toBe(0));
  const sessionKinds = cachedKeys(queryClient)
    .filter((key) => key[0] === 'session')
    .map((key) => key.slice(0, 3).join('/'));
  expect(new Set(sessionKinds)).toEqual(
    new Set([
      'session/info',
      'session/scopes',
      'session/token/info',
      'session/token/issued',
      'session/catalog',
      `session/networks/RegionOne`,
    ]),
  );
}

describe('session queries', () => {
  it('all start with the session root: nothing else but the cloud list is cached while signed in', async () => {
    const user = userEvent.setup();
    mockFetch(signedInRoutes());
    const { queryClient } = renderApp('/');
    await fillTheCache(user, queryClient);
    expect(cachedKeys(queryClient).filter((key) => key[0] !== 'session')).toEqual([['clouds']]);
  });

  it('are all gone after sign-out; the cloud list stays for the login page', async () => {
    const user = userEvent.setup();
    mockFetch({ ...signedInRoutes(), 'DELETE /api/session': { revoked: 1, notRevoked: 0 } });
    const { queryClient, router } = renderApp('/');
    await fillTheCache(user, queryClient);
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await screen.findByText('You signed out. The token was revoked.');
    expect(router.state.location.pathname).toBe('/login');
    await waitFor(() => expect(cachedKeys(queryClient)).toEqual([['clouds']]));
    expect(queryClient.getMutationCache().getAll()).toEqual([]);
  });

  it('are all gone after a 401 sends the operator to sign in again', async () => {
    const user = userEvent.setup();
    mockFetch({
      ...signedInRoutes(),
      'POST /api/token/reissue': () => errorResponse(401, 'not_authenticated'),
    });
    const { queryClient, router } = renderApp('/');
    await fillTheCache(user, queryClient);
    await user.click(screen.getByRole('link', { name: 'API access' }));
    await user.click(await screen.findByRole('button', { name: 'Reissue' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    await waitFor(() => expect(cachedKeys(queryClient)).toEqual([['clouds']]));
  });

  it('of an earlier session are gone after sign-in: the new one starts from its own answers', async () => {
    const user = userEvent.setup();
    mockFetch({
      'POST /api/session': () => jsonResponse(sessionInfo, 201),
      ...signedInRoutes(),
    });
    const { queryClient } = renderApp('/login');
    // Left behind by someone else's session in this tab.
    queryClient.setQueryData(['session', 'networks', 'RegionOne', 'public', { name: '' }], {
      pages: [{ networks: [{ ...network, name: 'not yours' }], nextMarker: null }],
      pageParams: [null],
    });
    queryClient.setQueryData(['session', 'catalog'], { regions: [], services: [] });
    await user.type(await screen.findByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('heading', { name: 'API access' });
    expect(queryClient.getQueryData(['session', 'networks', 'RegionOne', 'public', { name: '' }])).toBe(
      undefined,
    );
    await waitFor(() => expect(queryClient.getQueryData(['session', 'catalog'])).toEqual(catalog));
  });
});
