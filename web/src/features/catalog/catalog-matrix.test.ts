import { describe, expect, it } from 'vitest';
import type { Catalog } from '@contract/catalog';
import { buildCatalogMatrix, listServiceTypes } from './catalog-matrix';

const catalog: Catalog = {
  regions: ['RegionOne', 'RegionTwo'],
  services: [
    {
      type: 'network',
      name: 'neutron',
      endpoints: [
        { interface: 'public', region: 'RegionOne', url: 'https://n1' },
        { interface: 'admin', region: 'RegionOne', url: 'https://n1-admin' },
        { interface: 'public', region: 'RegionTwo', url: 'https://n2' },
      ],
    },
    {
      type: 'identity',
      name: 'keystone',
      endpoints: [{ interface: 'public', region: null, url: 'https://k' }],
    },
  ],
};

const all = { region: null, iface: null, type: null };

describe('buildCatalogMatrix', () => {
  it('lays out every region × interface, with a column group for region-less endpoints', () => {
    const matrix = buildCatalogMatrix(catalog, all);
    expect(matrix.regions).toEqual(['RegionOne', 'RegionTwo', null]);
    expect(matrix.columns).toHaveLength(9);
    expect(matrix.rows.map((r) => r.type)).toEqual(['identity', 'network']);
    const network = matrix.rows[1]!;
    expect(network.cells[0]).toEqual(['https://n1']); // RegionOne public
    expect(network.cells[2]).toEqual(['https://n1-admin']); // RegionOne admin
    expect(network.cells[3]).toEqual(['https://n2']); // RegionTwo public
    expect(network.cells[4]).toEqual([]);
  });

  it('filters by region, interface and type, dropping services left empty', () => {
    const matrix = buildCatalogMatrix(catalog, { region: 'RegionOne', iface: 'admin', type: null });
    expect(matrix.columns).toEqual([{ region: 'RegionOne', iface: 'admin' }]);
    expect(matrix.rows).toEqual([{ type: 'network', name: 'neutron', cells: [['https://n1-admin']] }]);
    expect(buildCatalogMatrix(catalog, { ...all, type: 'identity' }).rows.map((r) => r.name)).toEqual([
      'keystone',
    ]);
  });

  it('lists service types once, sorted', () => {
    expect(listServiceTypes(catalog)).toEqual(['identity', 'network']);
  });
});
