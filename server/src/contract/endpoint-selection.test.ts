import { describe, expect, it } from 'vitest';
import type { Catalog } from './catalog.js';
import { selectEndpoint } from './endpoint-selection.js';

const catalog: Catalog = {
  regions: ['R1', 'R2'],
  services: [
    {
      type: 'identity',
      name: 'keystone',
      endpoints: [{ interface: 'public', region: 'R1', url: 'http://keystone' }],
    },
    {
      type: 'network',
      name: 'neutron',
      endpoints: [
        { interface: 'admin', region: 'R1', url: 'http://n1-admin' },
        { interface: 'public', region: 'R1', url: 'http://n1' },
        { interface: 'internal', region: 'R1', url: 'http://n1-internal' },
        { interface: 'public', region: 'R2', url: 'http://n2' },
      ],
    },
    {
      // A second service of the same type under another name: the type decides, catalog order breaks ties.
      type: 'network',
      name: 'custom-name',
      endpoints: [
        { interface: 'public', region: 'R2', url: 'http://n2-second' },
        { interface: 'public', region: 'R3', url: 'http://n3' },
        { interface: 'public', region: null, url: 'http://n-no-region' },
      ],
    },
  ],
};

describe('selectEndpoint', () => {
  it('picks the endpoint of a type for a region and an interface', () => {
    expect(selectEndpoint(catalog, 'network', 'R1', 'public')?.url).toBe('http://n1');
    expect(selectEndpoint(catalog, 'network', 'R1', 'internal')?.url).toBe('http://n1-internal');
    expect(selectEndpoint(catalog, 'network', 'R1', 'admin')?.url).toBe('http://n1-admin');
  });

  it('takes the public interface when none is asked for', () => {
    expect(selectEndpoint(catalog, 'network', 'R1')?.url).toBe('http://n1');
  });

  it('without a region takes the first endpoint of the interface (single-region clouds)', () => {
    expect(selectEndpoint(catalog, 'network', null)?.url).toBe('http://n1');
    expect(selectEndpoint(catalog, 'network', null, 'internal')?.url).toBe('http://n1-internal');
  });

  it('looks through every service of the type, in catalog order, never by name', () => {
    expect(selectEndpoint(catalog, 'network', 'R2')?.url).toBe('http://n2');
    expect(selectEndpoint(catalog, 'network', 'R3')?.url).toBe('http://n3');
    expect(selectEndpoint(catalog, 'neutron', 'R1')).toBeUndefined();
  });

  it('answers undefined when the region or the interface has none, without falling back', () => {
    expect(selectEndpoint(catalog, 'network', 'R4')).toBeUndefined();
    expect(selectEndpoint(catalog, 'network', 'R2', 'internal')).toBeUndefined();
    expect(selectEndpoint(catalog, 'identity', 'R2')).toBeUndefined();
    expect(selectEndpoint(catalog, 'compute', null)).toBeUndefined();
    expect(selectEndpoint({ regions: [], services: [] }, 'network', null)).toBeUndefined();
  });

  it('returns the endpoint itself, so a caller can tell region and interface', () => {
    expect(selectEndpoint(catalog, 'network', 'R3')).toEqual({
      interface: 'public',
      region: 'R3',
      url: 'http://n3',
    });
  });
});
