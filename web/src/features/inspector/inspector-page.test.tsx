import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { TokenInspectionInfo } from '@contract/inspector';
import {
  catalog,
  demoCloud,
  errorResponse,
  jsonResponse,
  makeTokenInfo,
  mockFetch,
  renderApp,
  sessionInfo,
} from '../../test-utils';

const pasted = 'gAAAAABpasted-token-0123456789abcdefghijklmnop';

const valid: TokenInspectionInfo = {
  verdict: 'valid',
  tokenPreview: 'gAAAAABpasted-to…',
  tokenId: null,
  allowExpired: true,
  keystoneMessage: null,
  checkedAt: '2026-11-29T12:00:00.000Z',
  details: {
    issuedAt: '2026-11-29T11:00:00.000Z',
    expiresAt: '2026-11-29T13:00:00.000Z',
    secondsLeft: 3600,
    user: { id: 'u1', name: 'demo', domain: { id: 'default', name: 'Default' } },
    scope: { kind: 'system' },
    roles: [{ id: 'r1', name: 'admin' }],
    methods: ['password', 'token'],
    auditIds: ['a1', 'a2'],
    applicationCredential: null,
    catalog: { services: 5, endpoints: 30 },
  },
};

function routes(answer: () => Response) {
  return {
    'GET /api/session': sessionInfo,
    'GET /api/clouds': { clouds: [demoCloud] },
    'GET /api/scopes': { projects: [], domains: [], system: false },
    'GET /api/token': makeTokenInfo(),
    'GET /api/catalog': catalog,
    'GET /api/tokens': {
      tokens: [
        {
          id: 'abcdef0123456789',
          tokenPreview: 'gAAAAABsession-t…',
          issuedAt: '2026-11-29T11:00:00.000Z',
          expiresAt: '2026-11-29T12:00:00.000Z',
          projectId: null,
          scope: { kind: 'domain', domain: { id: 'default', name: 'Default' } },
          isCurrent: false,
          isRevoked: true,
        },
      ],
    },
    'POST /api/inspector': answer,
  };
}

describe('InspectorPage', () => {
  it('sends a pasted token once in a POST body and shows Keystone’s answer with a countdown', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch(routes(() => jsonResponse(valid)));
    renderApp('/inspector');
    await user.type(await screen.findByLabelText('Token to inspect'), pasted);
    await user.click(screen.getByRole('button', { name: 'Inspect' }));
    const result = await screen.findByRole('region', { name: /Keystone’s answer/ });
    expect(within(result).getByRole('status').textContent).toBe('Valid: Keystone accepts this token now.');
    expect(within(result).getByText('System (all)')).toBeTruthy();
    expect(within(result).getByText('5 services, 30 endpoints')).toBeTruthy();
    expect(within(result).getByRole('timer', { name: 'Time left' }).textContent).toMatch(/^0[01]:\d\d:\d\d$/);
    const posts = calls.filter((call) => call.path === '/api/inspector');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toEqual({ token: pasted, allowExpired: true });
    expect(calls.some((call) => call.path.includes(pasted))).toBe(false);
    expect(JSON.stringify(window.localStorage)).not.toContain(pasted);
  });

  it('inspects one of the session’s tokens by its id, and shows a refusal in Keystone’s words', async () => {
    const user = userEvent.setup();
    const refused: TokenInspectionInfo = {
      ...valid,
      verdict: 'refused',
      tokenId: 'abcdef0123456789',
      keystoneMessage: 'You are not authorized to perform the requested action: identity:validate_token.',
      details: null,
    };
    const { calls } = mockFetch(routes(() => jsonResponse(refused)));
    renderApp('/inspector');
    const pick = await screen.findByLabelText('Or one of this session’s tokens');
    await within(pick).findByText('gAAAAABsession-t… · Domain Default (default) · revoked');
    await user.selectOptions(pick, 'abcdef0123456789');
    await user.click(screen.getByLabelText(/Allow expired/));
    await user.click(screen.getByRole('button', { name: 'Inspect' }));
    expect(await screen.findByText(/Keystone refused to show you this token/)).toBeTruthy();
    expect(screen.getByText(/identity:validate_token/)).toBeTruthy();
    expect(calls.find((call) => call.path === '/api/inspector')?.body).toEqual({
      tokenId: 'abcdef0123456789',
      allowExpired: false,
    });
  });

  it('comes preselected from the token page’s link, which carries the ledger id only', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch(routes(() => jsonResponse({ ...valid, tokenId: 'abcdef0123456789' })));
    renderApp('/');
    await user.click(await screen.findByRole('link', { name: 'Inspect token gAAAAABsession-t…' }));
    const pick = (await screen.findByLabelText('Or one of this session’s tokens')) as HTMLSelectElement;
    await within(pick).findByText(/gAAAAABsession-t…/);
    expect(pick.value).toBe('abcdef0123456789');
    await user.click(screen.getByRole('button', { name: 'Inspect' }));
    await screen.findByRole('region', { name: /Keystone’s answer/ });
    expect(calls.find((call) => call.path === '/api/inspector')?.body).toEqual({
      tokenId: 'abcdef0123456789',
      allowExpired: true,
    });
  });

  it('speaks Russian', async () => {
    const user = userEvent.setup();
    mockFetch(routes(() => jsonResponse(valid)));
    renderApp('/inspector');
    await user.selectOptions(await screen.findByRole('combobox', { name: 'Language' }), 'ru');
    expect(await screen.findByRole('heading', { name: 'Проверка токена', level: 1 })).toBeTruthy();
    expect(screen.getByLabelText('Токен для проверки')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Проверить' })).toBeTruthy();
  });

  it('asks for a token before sending anything, and shows the rate limit plainly', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch(routes(() => errorResponse(429, 'rate_limited', { retryAfter: 12 })));
    renderApp('/inspector');
    await user.click(await screen.findByRole('button', { name: 'Inspect' }));
    expect(await screen.findByText('Paste a token or pick one of this session’s.')).toBeTruthy();
    expect(calls.some((call) => call.path === '/api/inspector')).toBe(false);
    await user.type(screen.getByLabelText('Token to inspect'), pasted);
    await user.click(screen.getByRole('button', { name: 'Inspect' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/12/);
  });
});
