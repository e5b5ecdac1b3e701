import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { catalog, demoCloud, makeTokenInfo, mockFetch, renderApp, sessionInfo } from '../test-utils';

const signedIn = {
  'GET /api/session': sessionInfo,
  'GET /api/clouds': { clouds: [demoCloud] },
  'GET /api/token': makeTokenInfo(),
  'GET /api/catalog': catalog,
  'GET /api/tokens': { tokens: [] },
};

describe('routes (wouter)', () => {
  it.each(['/catalog/', '/Catalog', '/CATALOG//'])(
    'open the page a bookmark or a proxy names with a trailing slash or in capitals: %s',
    async (path) => {
      mockFetch(signedIn);
      renderApp(path);
      expect(await screen.findByRole('heading', { level: 1, name: 'Catalog' })).toBeTruthy();
    },
  );

  it('still answer an unknown path with the not-found page', async () => {
    mockFetch(signedIn);
    renderApp('/catalogue');
    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeTruthy();
  });

  it('decode a query value once: ?cloud=a%2541 chooses the cloud named a%41', async () => {
    mockFetch({ 'GET /api/clouds': { clouds: [demoCloud, { ...demoCloud, name: 'a%41' }] } });
    renderApp('/login?cloud=a%2541');
    const cloud = (await screen.findByLabelText('Cloud')) as HTMLSelectElement;
    await screen.findByRole('option', { name: 'a%41' });
    expect(cloud.value).toBe('a%41');
  });
});
