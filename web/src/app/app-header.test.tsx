import { screen, waitFor } from '@testing-library/react';
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
} from '../test-utils';

function routes() {
  let project: { id: string; name: string; domain: { id: string; name: string } } = sessionInfo.project;
  return {
    'GET /api/session': () => jsonResponse({ ...sessionInfo, project }),
    'GET /api/clouds': { clouds: [demoCloud] },
    'GET /api/scopes': {
      projects: [
        { id: 'p1', name: 'demo', domainId: 'default', enabled: true },
        { id: 'p2', name: 'other', domainId: 'default', enabled: true },
      ],
      domains: [{ id: 'default', name: 'Default', enabled: true }],
      system: true,
    },
    'GET /api/token': () => jsonResponse(makeTokenInfo({ project })),
    'GET /api/catalog': catalog,
    'GET /api/tokens': { tokens: [] },
    'POST /api/session/scope': () => {
      project = { id: 'p2', name: 'other', domain: { id: 'default', name: 'Default' } };
      return jsonResponse({ ...sessionInfo, project });
    },
  };
}

describe('AppHeader', () => {
  it('offers exactly the scopes Keystone lists, switches the project and refreshes the page data', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch(routes());
    renderApp('/');
    await screen.findByText('demo (p1)');
    const select = (await screen.findByRole('combobox', { name: 'Scope' })) as HTMLSelectElement;
    await waitFor(() => expect(select.options).toHaveLength(4));
    expect([...select.options].map((option) => option.text)).toEqual([
      'demo',
      'other',
      'Domain: Default',
      'System (all)',
    ]);
    await user.selectOptions(select, 'other');
    await screen.findByText('other (p2)');
    expect(calls.find((c) => c.path === '/api/session/scope')?.body).toEqual({
      kind: 'project',
      projectId: 'p2',
    });
    expect(select.value).toBe('project:p2');
  });

  it('offers the three pages as links, switches language and remembers it', async () => {
    const user = userEvent.setup();
    mockFetch(routes());
    renderApp('/');
    for (const name of ['API access', 'Catalog', 'Networks', 'Token inspector'])
      expect(await screen.findByRole('link', { name })).toBeTruthy();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Language' }), 'ru');
    expect(await screen.findByRole('heading', { name: 'Доступ по API' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Показать токен' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('ru');
    expect(window.localStorage.getItem('api-access.language')).toBe('ru');
  });

  it('toggles dark mode and remembers only the choice', async () => {
    const user = userEvent.setup();
    mockFetch(routes());
    renderApp('/');
    await user.selectOptions(await screen.findByRole('combobox', { name: 'Theme' }), 'dark');
    expect(document.documentElement.classList.contains('dark')).toBe(true);
    expect(window.localStorage.getItem('api-access.theme')).toBe('dark');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Theme' }), 'light');
    expect(document.documentElement.classList.contains('dark')).toBe(false);
    expect(Object.keys(window.localStorage).sort()).toEqual(['api-access.theme']);
  });
});
