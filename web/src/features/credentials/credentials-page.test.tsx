import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import {
  catalog,
  demoCloud,
  errorResponse,
  jsonResponse,
  mockFetch,
  renderApp,
  sessionInfo,
} from '../../test-utils';

const secret = 'Only-Once-Secret-0123456789';
const listed = {
  id: 'ac1',
  name: 'ci-job',
  description: 'nightly',
  projectId: 'p1',
  roles: [{ id: 'r1', name: 'member' }],
  expiresAt: null,
  unrestricted: false,
  accessRules: [],
};

function routes(overrides: Record<string, unknown> = {}) {
  return {
    'GET /api/session': {
      ...sessionInfo,
      roles: [
        { id: 'r1', name: 'member' },
        { id: 'r2', name: 'reader' },
      ],
    },
    'GET /api/clouds': { clouds: [demoCloud] },
    'GET /api/catalog': catalog,
    'GET /api/application-credentials': {
      applicationCredentials: [listed],
      unavailable: null,
      creationBlocked: null,
    },
    'GET /api/ec2-credentials': { ec2Credentials: [], unavailable: null },
    ...overrides,
  };
}

describe('CredentialsPage', () => {
  it('creates an application credential: expiry sent as UTC, roles a subset, the secret shown once', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch(
      routes({
        'POST /api/application-credentials': () =>
          jsonResponse(
            { ...listed, id: 'ac2', name: 'deploy', roles: [{ id: 'r2', name: 'reader' }], secret },
            201,
          ),
      }),
    );
    renderApp('/credentials');
    expect(await screen.findByRole('cell', { name: /ci-job/ })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'New application credential' }));
    await user.type(screen.getByLabelText('Name'), 'deploy');
    await user.click(screen.getByRole('checkbox', { name: 'member' }));
    const expires = screen.getByLabelText(/^Expires \(your time/);
    await user.type(expires, '2030-06-01T12:00');
    await user.click(screen.getByRole('checkbox', { name: 'Unrestricted' }));
    expect(screen.getByText(/can create and delete other application credentials/)).toBeTruthy();
    await user.click(screen.getByRole('checkbox', { name: 'Unrestricted' }));
    await user.click(screen.getByRole('button', { name: 'Create application credential' }));

    const post = calls.find((call) => call.method === 'POST' && call.path === '/api/application-credentials');
    expect(post?.body).toEqual({
      name: 'deploy',
      roles: ['reader'],
      expiresAt: new Date('2030-06-01T12:00').toISOString().replace('.000Z', 'Z'),
    });
    const panel = await screen.findByRole('region', { name: 'Application credential “deploy” created' });
    expect(within(panel).getByTestId('created-secret').textContent).not.toContain(secret);
    await user.click(within(panel).getByRole('button', { name: 'Reveal secret' }));
    expect(within(panel).getByTestId('created-secret').textContent).toBe(secret);
    for (const name of [
      'Download clouds.yaml',
      'Download openrc',
      'Download .env',
      'Download Terraform provider',
    ])
      expect(within(panel).getByRole('button', { name })).toBeTruthy();
    await user.click(within(panel).getByRole('button', { name: 'Done, forget the secret' }));
    await waitFor(() => expect(document.body.textContent).not.toContain(secret));
  });

  it('checks access rules before sending', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch(routes());
    renderApp('/credentials');
    await user.click(await screen.findByRole('button', { name: 'New application credential' }));
    await user.type(screen.getByLabelText('Name'), 'x');
    await user.type(screen.getByLabelText('Access rules (optional)'), '- service: network{enter}method: GET');
    await user.click(screen.getByRole('button', { name: 'Create application credential' }));
    expect(await screen.findByText('The access rules cannot be read (line 2).')).toBeTruthy();
    expect(calls.some((call) => call.method === 'POST')).toBe(false);
  });

  it('deletes after a confirmation that names the credential', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch(
      routes({ 'DELETE /api/application-credentials/ac1': () => new Response(null, { status: 204 }) }),
    );
    renderApp('/credentials');
    await user.click(await screen.findByRole('button', { name: 'Delete application credential ci-job' }));
    const group = screen.getByRole('group', { name: /Delete application credential “ci-job”\?/ });
    expect(document.activeElement?.textContent).toBe('Delete');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('group')).toBeNull();
    expect(calls.some((call) => call.method === 'DELETE')).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Delete application credential ci-job' }));
    await user.click(within(screen.getByRole('group')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(calls.some((call) => call.method === 'DELETE')).toBe(true));
    expect(group).toBeTruthy();
  });

  it('says why where the cloud refuses, and explains a rate limit by code', async () => {
    const user = userEvent.setup();
    mockFetch(
      routes({
        'GET /api/application-credentials': {
          applicationCredentials: [],
          unavailable: { reason: 'forbidden', message: 'x' },
          creationBlocked: null,
        },
        'POST /api/ec2-credentials': () => errorResponse(429, 'rate_limited', { retryAfter: 12 }),
      }),
    );
    renderApp('/credentials');
    expect(await screen.findByText(/Keystone answered 403 Forbidden/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'New application credential' })).toBeNull();
    await user.click(await screen.findByRole('button', { name: 'Create EC2 credential' }));
    expect(await screen.findByText(/12/)).toBeTruthy();
  });
});
