import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import {
  catalog,
  demoCloud,
  jsonResponse,
  makeTokenInfo,
  mockFetch,
  renderApp,
  sessionInfo,
} from '../../test-utils';

describe('the scope picker after an unscoped sign-in', () => {
  it('offers exactly the domains and system Keystone lists, and one click scopes the token to the system', async () => {
    const user = userEvent.setup();
    let scope: Record<string, unknown> = { kind: 'unscoped' };
    const { calls } = mockFetch({
      'GET /api/session': () => jsonResponse({ ...sessionInfo, project: null, scope }),
      'GET /api/clouds': { clouds: [demoCloud] },
      'GET /api/scopes': {
        projects: [],
        domains: [{ id: 'default', name: 'Default', enabled: true }],
        system: true,
      },
      'GET /api/token': () => jsonResponse(makeTokenInfo({ project: null, scope })),
      'GET /api/catalog': catalog,
      'GET /api/tokens': { tokens: [] },
      'POST /api/session/scope': () => {
        scope = { kind: 'system' };
        return jsonResponse({ ...sessionInfo, project: null, scope });
      },
    });
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Choose a scope', level: 1 })).toBeTruthy();
    expect(await screen.findByRole('button', { name: 'Use this domain: Default' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Use this project/ })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Use the system scope' }));
    expect(await screen.findByRole('heading', { name: 'API access', level: 1 })).toBeTruthy();
    expect(calls.find((call) => call.path === '/api/session/scope')?.body).toEqual({ kind: 'system' });
    expect(await screen.findByText('System (all)', { selector: 'dd' })).toBeTruthy();
    expect(await screen.findByText(/--os-system-scope all/)).toBeTruthy();
    expect(screen.getByText(/system_scope = true/)).toBeTruthy();
  });
});
