import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import {
  catalog,
  demoCloud,
  jsonResponse,
  mockFetch,
  renderApp,
  sessionInfo,
  type MockCall,
} from '../../test-utils';

function makeNetwork(i: number) {
  return {
    id: `net-${String(i).padStart(5, '0')}`,
    name: `network ${i}`,
    status: i % 7 === 0 ? 'DOWN' : 'ACTIVE',
    adminStateUp: true,
    shared: i % 2 === 0,
    external: i === 0,
    mtu: 1450,
    subnets: i % 3 === 0 ? ['s1', 's2'] : [],
    projectId: 'p1',
    availabilityZones: ['nova'],
    description: '',
    createdAt: null,
    updatedAt: null,
  };
}

const allNetworks = Array.from({ length: 10_000 }, (_, i) => makeNetwork(i));

/** 10,000 networks served in pages of `limit`, like the BFF's marker pagination. */
function serveNetworks(call: MockCall) {
  const params = new URL(call.path, 'http://localhost').searchParams;
  const limit = Number(params.get('limit'));
  const name = params.get('name') ?? '';
  const all = name ? allNetworks.filter((n) => n.name.includes(name)) : allNetworks;
  const marker = params.get('marker');
  const from = marker ? all.findIndex((n) => n.id === marker) + 1 : 0;
  const page = all.slice(from, from + limit);
  const nextMarker = from + limit < all.length ? (page.at(-1)?.id ?? null) : null;
  return jsonResponse({ networks: page, nextMarker });
}

function routes(interfaces: string[] = ['public', 'internal']) {
  return {
    'GET /api/session': sessionInfo,
    'GET /api/clouds': { clouds: [{ ...demoCloud, interfaces }] },
    'GET /api/projects': { projects: [] },
    'GET /api/catalog': catalog,
    'GET /api/networks': serveNetworks,
  };
}

const networkCalls = (calls: MockCall[]) =>
  calls
    .filter((c) => c.path.startsWith('/api/networks'))
    .map((c) => new URL(c.path, 'http://localhost').searchParams);

// Rendering pages of rows in jsdom is slow on a busy machine; the assertions, not the clock, matter.
describe('NetworksPage', { timeout: 20_000 }, () => {
  it('lists the region session networks with a small DOM and fetches pages while scrolling', async () => {
    const { calls } = mockFetch(routes());
    renderApp('/networks');
    const table = await screen.findByRole('table', { name: 'Networks' });
    await within(table).findByRole('button', { name: 'Details for network 0' });
    const first = networkCalls(calls)[0]!;
    expect(first.get('region')).toBe('RegionOne');
    expect(first.get('interface')).toBe('public');
    expect(first.get('marker')).toBeNull();
    expect(within(table).getAllByRole('row').length).toBeLessThan(200);

    const scroller = screen.getByTestId('networks-scroll');
    for (let page = 1; page <= 4; page += 1) {
      const loaded = page * 200;
      scroller.scrollTop = (loaded - 10) * 44;
      fireEvent.scroll(scroller);
      await screen.findByText(`${loaded + 200} networks loaded`);
    }
    expect(networkCalls(calls).map((p) => p.get('marker'))).toEqual([
      null,
      'net-00199',
      'net-00399',
      'net-00599',
      'net-00799',
    ]);
    expect(within(table).getAllByRole('row').length).toBeLessThan(200);
    expect(within(table).getByText('net-00795')).toBeTruthy();
  });

  it('filters by name on the server after typing stops, and sorts', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch(routes());
    renderApp('/networks');
    const table = await screen.findByRole('table', { name: 'Networks' });
    await within(table).findByRole('button', { name: 'Details for network 0' });
    await user.type(screen.getByLabelText('Filter by name'), 'network 42');
    await within(table).findByText('net-04200');
    const names = networkCalls(calls).map((p) => p.get('name'));
    expect(names.at(-1)).toBe('network 42');
    // Debounced: not one request per keystroke.
    expect(names.filter((n) => n !== null).length).toBeLessThanOrEqual(2);

    await user.click(within(table).getByRole('button', { name: 'MTU' }));
    await waitFor(() => expect(networkCalls(calls).at(-1)?.get('sortKey')).toBe('mtu'));
    expect(within(table).getByRole('columnheader', { name: /MTU/ }).getAttribute('aria-sort')).toBe(
      'ascending',
    );
  });

  it('offers only the interfaces the BFF may call on this cloud', async () => {
    mockFetch(routes(['public']));
    renderApp('/networks');
    await screen.findByRole('table', { name: 'Networks' });
    const options = within(screen.getByLabelText('Interface')).getAllByRole('option');
    expect(options.map((option) => option.textContent)).toEqual(['public']);
  });

  it('switches region and interface from the catalog and opens a detail panel', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch(routes());
    renderApp('/networks');
    const table = await screen.findByRole('table', { name: 'Networks' });
    await user.selectOptions(await screen.findByLabelText('Region'), 'RegionTwo');
    await waitFor(() => expect(networkCalls(calls).at(-1)?.get('region')).toBe('RegionTwo'));
    await user.selectOptions(screen.getByLabelText('Interface'), 'internal');
    expect(await screen.findByText('This region has no network endpoint.')).toBeTruthy();
    await user.selectOptions(screen.getByLabelText('Region'), 'RegionOne');
    await waitFor(() => expect(networkCalls(calls).at(-1)?.get('interface')).toBe('internal'));

    await user.click(await within(table).findByRole('button', { name: 'Details for network 3' }));
    const panel = screen.getByRole('complementary', { name: 'Network details' });
    expect(within(panel).getByText('s1, s2')).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('complementary', { name: 'Network details' })).toBeNull();
  });
});
