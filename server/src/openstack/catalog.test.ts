import { describe, expect, it } from 'vitest';
import {
  catalogLimits,
  joinEndpointUrl,
  normalizeV2Catalog,
  normalizeV3Catalog,
  pickEndpoint,
} from './catalog.js';
import { resolveIdentityEndpoint } from '../config/identity-endpoint.js';
import { parseKeystoneTime } from './keystone/keystone-time.js';
import { nextMarkerFromLinks } from './neutron.js';
import { parseRetryAfter } from './openstack-fetch.js';

describe('catalog normalization', () => {
  it('reads v3 endpoints with region_id, falls back to the legacy region, and drops empty URLs', () => {
    const catalog = normalizeV3Catalog([
      {
        type: 'network',
        name: 'neutron',
        endpoints: [
          { interface: 'public', region_id: 'RegionTwo', region: 'RegionTwo', url: 'http://n2:9696' },
          { interface: 'admin', region: 'RegionOne', url: 'http://n1-admin:9696' },
          { interface: 'public', region_id: 'RegionOne', url: 'http://n1:9696' },
          { interface: 'internal', region_id: 'RegionOne', url: '' },
        ],
      },
      {
        type: 'compute',
        name: 'nova',
        endpoints: [{ interface: 'public', region_id: 'RegionOne', url: '' }],
      },
    ]);
    expect(catalog.regions).toEqual(['RegionOne', 'RegionTwo']);
    expect(catalog.services).toHaveLength(1);
    expect(catalog.services[0]!.endpoints).toEqual([
      { interface: 'public', region: 'RegionOne', url: 'http://n1:9696' },
      { interface: 'admin', region: 'RegionOne', url: 'http://n1-admin:9696' },
      { interface: 'public', region: 'RegionTwo', url: 'http://n2:9696' },
    ]);
  });

  it('turns v2.0 publicURL/internalURL/adminURL into one endpoint each', () => {
    const catalog = normalizeV2Catalog([
      {
        type: 'network',
        name: 'neutron',
        endpoints: [
          { region: 'KR1', publicURL: 'https://kr1-api-network-infrastructure.nhncloudservice.com' },
          {
            region: 'KR2',
            publicURL: 'https://kr2.example',
            internalURL: 'http://kr2.internal',
            adminURL: '',
          },
        ],
      },
    ]);
    expect(catalog.services[0]!.endpoints).toEqual([
      {
        interface: 'public',
        region: 'KR1',
        url: 'https://kr1-api-network-infrastructure.nhncloudservice.com',
      },
      { interface: 'public', region: 'KR2', url: 'https://kr2.example' },
      { interface: 'internal', region: 'KR2', url: 'http://kr2.internal' },
    ]);
  });

  it('picks a service by type, region and interface, and says clearly when there is none', () => {
    const catalog = normalizeV3Catalog([
      {
        type: 'network',
        name: 'custom-name',
        endpoints: [{ interface: 'public', region_id: 'R1', url: 'http://n1' }],
      },
    ]);
    expect(pickEndpoint(catalog, 'network', 'R1')).toBe('http://n1');
    expect(pickEndpoint(catalog, 'network', null)).toBe('http://n1');
    expect(() => pickEndpoint(catalog, 'network', 'R2')).toThrow('no public network endpoint in region R2');
    expect(() => pickEndpoint(catalog, 'network', 'R1', 'admin')).toThrow('no admin network endpoint');
  });
});

describe('catalog bounds (issue 13 item 3: the catalog kept per session)', () => {
  const service = (i: number, endpoints: number, url = `https://svc-${i}.example/v1`) => ({
    type: `type-${i}`,
    name: `name-${i}`,
    endpoints: Array.from({ length: endpoints }, (_, e) => ({
      interface: 'public',
      region_id: `R${e}`,
      url,
    })),
  });

  it('keeps a large but real catalog (OVH size: 30 services x 40 regions x 3 interfaces)', () => {
    const catalog = normalizeV3Catalog(
      Array.from({ length: 30 }, (_, i) => ({
        type: `type-${i}`,
        name: `name-${i}`,
        endpoints: Array.from({ length: 120 }, (_, e) => ({
          interface: ['public', 'internal', 'admin'][e % 3]!,
          region_id: `REGION${Math.floor(e / 3)}`,
          url: `https://service-${i}.region${Math.floor(e / 3)}.cloud.example.net/v2.1/0123456789abcdef0123456789abcdef`,
        })),
      })),
    );
    expect(catalog.services).toHaveLength(30);
  });

  it('refuses too many services, too many endpoints, oversized fields and too many bytes with upstream_error', () => {
    const refuse = (raw: Parameters<typeof normalizeV3Catalog>[0], pattern: RegExp) => {
      let caught: unknown;
      try {
        normalizeV3Catalog(raw);
      } catch (error) {
        caught = error;
      }
      expect(caught, `expected ${pattern} to be refused`).toMatchObject({ code: 'upstream_error' });
      expect((caught as Error).message).toMatch(pattern);
    };
    refuse(
      Array.from({ length: catalogLimits.services + 1 }, (_, i) => service(i, 1)),
      /with 501 services/,
    );
    refuse(
      Array.from({ length: 10 }, (_, i) => service(i, catalogLimits.endpoints / 10 + 1)),
      /with more than 10000 endpoints/,
    );
    refuse([service(1, 1, `https://x.example/${'a'.repeat(catalogLimits.fieldLength)}`)], /longer than/);
    refuse([{ ...service(1, 1), type: 't'.repeat(catalogLimits.fieldLength + 1) }], /longer than/);
    const fat = `https://x.example/${'a'.repeat(catalogLimits.fieldLength - 40)}`;
    refuse(
      Array.from({ length: 100 }, (_, i) =>
        service(i, Math.ceil(catalogLimits.bytes / 100 / fat.length) + 1, fat),
      ),
      /with about \d+ KiB/,
    );
    expect(() =>
      normalizeV2Catalog(
        Array.from({ length: catalogLimits.services + 1 }, (_, i) => ({
          type: `t${i}`,
          endpoints: [{ publicURL: 'https://x.example' }],
        })),
      ),
    ).toThrow(/with 501 services/);
  });
});

describe('URL joining', () => {
  it.each([
    ['http://127.0.0.1:9696', 'http://127.0.0.1:9696/v2.0/networks'],
    ['http://127.0.0.1:9696/', 'http://127.0.0.1:9696/v2.0/networks'],
    ['https://network.example/v2.0', 'https://network.example/v2.0/networks'],
    ['https://network.example/v2.0/', 'https://network.example/v2.0/networks'],
    ['https://cloud.example/network/', 'https://cloud.example/network/v2.0/networks'],
  ])('joins %s', (base, expected) => {
    expect(joinEndpointUrl(base, '/v2.0/networks')).toBe(expected);
  });

  it.each([
    ['http://h:5000/v3', 'http://h:5000', '3'],
    ['http://h:5000/v3/', 'http://h:5000', '3'],
    ['http://h:5000', 'http://h:5000', '3'],
    ['https://h/identity/v2.0', 'https://h/identity', '2.0'],
    ['http://h:35357/v3', 'http://h:35357', '3'],
  ])('resolves the identity endpoint of %s', (authUrl, rootUrl, version) => {
    expect(resolveIdentityEndpoint(authUrl)).toEqual({ rootUrl, version });
  });

  it('lets identity_api_version override the version of a bare auth URL', () => {
    expect(resolveIdentityEndpoint('https://api-identity.example', '2.0')).toEqual({
      rootUrl: 'https://api-identity.example',
      version: '2.0',
    });
  });
});

describe('Keystone time stamps', () => {
  it('reads v3 microsecond UTC stamps', () => {
    expect(parseKeystoneTime('2026-11-23T02:12:42.000000Z').toISOString()).toBe('2026-11-23T02:12:42.000Z');
  });
  it('treats a v2.0 issued_at without time zone as UTC', () => {
    expect(parseKeystoneTime('2026-11-23T01:12:42.123456').toISOString()).toBe('2026-11-23T01:12:42.123Z');
    expect(parseKeystoneTime('2026-11-23T01:12:42').toISOString()).toBe('2026-11-23T01:12:42.000Z');
  });
  it('rejects garbage as an upstream error', () => {
    expect(() => parseKeystoneTime('yesterday')).toThrow('not a date');
  });
});

describe('Neutron links and Retry-After', () => {
  it('takes the marker from the next link only', () => {
    expect(
      nextMarkerFromLinks([
        { rel: 'next', href: 'http://127.0.0.1:9696/v2.0/networks?limit=2&marker=abc' },
        { rel: 'previous', href: 'http://127.0.0.1:9696/v2.0/networks?limit=2&marker=xyz&page_reverse=True' },
      ]),
    ).toBe('abc');
    expect(nextMarkerFromLinks([{ rel: 'previous', href: 'http://x/?marker=xyz' }])).toBeNull();
    expect(nextMarkerFromLinks(undefined)).toBeNull();
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-23T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter('Mon, 23 Nov 2026 00:00:45 GMT', now)).toBe(45);
    expect(parseRetryAfter(null, now)).toBe(60);
    expect(parseRetryAfter('soon', now)).toBe(60);
  });
});
