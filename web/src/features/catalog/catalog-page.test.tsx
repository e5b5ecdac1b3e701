import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { catalog, demoCloud, mockFetch, renderApp, sessionInfo } from '../../test-utils';

describe('CatalogPage', () => {
  it('shows the matrix, filters it, and copies a URL', async () => {
    const user = userEvent.setup();
    mockFetch({
      'GET /api/session': sessionInfo,
      'GET /api/clouds': { clouds: [demoCloud] },
      'GET /api/projects': { projects: [] },
      'GET /api/catalog': catalog,
    });
    renderApp('/catalog');
    const table = await screen.findByRole('table', { name: 'Service catalog' });
    expect(within(table).getAllByRole('columnheader', { name: 'RegionOne' })).toHaveLength(1);
    expect(within(table).getAllByRole('columnheader', { name: 'internal' })).toHaveLength(2);
    expect(within(table).getByText('http://10.0.0.1:9696')).toBeTruthy();

    await user.selectOptions(screen.getByLabelText('Interface'), 'public');
    await user.selectOptions(screen.getByLabelText('Service type'), 'network');
    expect(within(table).queryByText('http://10.0.0.1:9696')).toBeNull();
    expect(within(table).queryByText('keystone')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Copy URL http://127.0.0.2:9696/v2.0' }));
    expect(await screen.findByText('Copied')).toBeTruthy();
    expect(await navigator.clipboard.readText()).toBe('http://127.0.0.2:9696/v2.0');
  });
});
