import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { catalog, demoCloud, makeTokenInfo, mockFetch, renderApp, sessionInfo } from '../../test-utils';

function routes(overrides: Record<string, unknown> = {}) {
  return {
    'GET /api/session': sessionInfo,
    'GET /api/clouds': { clouds: [demoCloud] },
    'GET /api/projects': { projects: [] },
    'GET /api/token': makeTokenInfo(),
    'GET /api/catalog': catalog,
    'GET /api/tokens': { tokens: [] },
    ...overrides,
  };
}

const copyAsSection = async () =>
  (await screen.findByRole('heading', { name: 'Copy as' })).closest('section') as HTMLElement;

describe('CopyAsPanel', () => {
  it('offers no curl snippet for a network endpoint that is not http(s), and says why', async () => {
    const hostileCatalog = {
      ...catalog,
      services: catalog.services.map((service) =>
        service.type === 'network'
          ? {
              ...service,
              endpoints: service.endpoints.map((e) => ({ ...e, url: `file:///etc/passwd#${e.region}` })),
            }
          : service,
      ),
    };
    mockFetch(routes({ 'GET /api/catalog': hostileCatalog }));
    renderApp('/');
    const section = await copyAsSection();
    expect(
      await within(section).findByText(
        'curl: list networks: not generated. The URL it would hold is not http(s).',
      ),
    ).toBeTruthy();
    expect(within(section).queryByRole('button', { name: 'Copy as curl: list networks' })).toBeNull();
    expect(section.textContent).not.toContain('file:');
    // The rest is still offered.
    expect(within(section).getByRole('button', { name: 'Copy as export OS_TOKEN' })).toBeTruthy();
    expect(within(section).getByRole('button', { name: 'Download openrc' })).toBeTruthy();
  });

  it('offers neither the openstack snippet nor the files for an auth URL that is not http(s)', async () => {
    mockFetch(routes({ 'GET /api/clouds': { clouds: [{ ...demoCloud, authUrl: 'ftp://keystone/v3' }] } }));
    renderApp('/');
    const section = await copyAsSection();
    await within(section).findByText(
      'openstack CLI: network list: not generated. The URL it would hold is not http(s).',
    );
    expect(
      within(section).getByText('Download openrc: not generated. The URL it would hold is not http(s).'),
    );
    expect(within(section).queryByRole('button', { name: 'Download openrc' })).toBeNull();
    expect(within(section).queryByRole('button', { name: 'Download clouds.yaml' })).toBeNull();
    expect(within(section).getByRole('button', { name: 'Copy as curl: list networks' })).toBeTruthy();
  });

  it('shows control characters of a value escaped, never raw', async () => {
    mockFetch(
      routes({
        'GET /api/token': makeTokenInfo({
          project: { id: 'p\u001b[31m1', name: 'demo', domain: { id: 'default', name: 'Default' } },
        }),
      }),
    );
    renderApp('/');
    const section = await copyAsSection();
    const openstack = await within(section).findByText(/--os-project-id/);
    expect(openstack.textContent).toContain(String.raw`--os-project-id $'p\x1B[31m1'`);
    expect(section.textContent).not.toContain('\u001b');
  });
});
