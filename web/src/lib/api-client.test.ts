import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse, mockFetch } from '../test-utils';
import { ApiError, apiClient, isAuthLostError, resetCsrfToken } from './api-client';

const okSchema = z.object({ ok: z.boolean() });

afterEach(() => resetCsrfToken());

async function rejectionOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('apiClient error mapping', () => {
  it('parses success bodies with the schema and sends same-origin credentials', async () => {
    const { fetchMock } = mockFetch({ 'GET /api/x': { ok: true } });
    await expect(apiClient.get('/api/x', okSchema)).resolves.toEqual({ ok: true });
    expect(fetchMock.mock.calls[0]?.[1]?.credentials).toBe('same-origin');
  });

  it('turns the contract error body into a typed ApiError', async () => {
    mockFetch({
      'POST /api/session': () => errorResponse(400, 'invalid_input', { fields: { username: 'is required' } }),
    });
    const error = await rejectionOf(apiClient.post('/api/session', {}, okSchema));
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_input',
      message: 'invalid_input',
      fields: { username: 'is required' },
    });
  });

  it('carries retryAfter from the body, or from the Retry-After header', async () => {
    mockFetch({
      'GET /api/a': () => errorResponse(429, 'rate_limited', { retryAfter: 42 }),
      'GET /api/b': () => new Response('slow down', { status: 429, headers: { 'Retry-After': '7' } }),
    });
    expect((await rejectionOf(apiClient.get('/api/a', okSchema))).retryAfter).toBe(42);
    const fromHeader = await rejectionOf(apiClient.get('/api/b', okSchema));
    expect(fromHeader).toMatchObject({ code: 'rate_limited', retryAfter: 7 });
  });

  it('maps a non-contract body by status, and a failed fetch to network_error', async () => {
    mockFetch({ 'GET /api/gw': () => new Response('<html>Bad gateway</html>', { status: 503 }) });
    expect((await rejectionOf(apiClient.get('/api/gw', okSchema))).code).toBe('upstream_unavailable');
    mockFetch({ 'GET /api/down': () => Promise.reject(new TypeError('Failed to fetch')) });
    expect(await rejectionOf(apiClient.get('/api/down', okSchema))).toMatchObject({
      status: 0,
      code: 'network_error',
    });
  });

  it('rejects a success body that does not match the contract', async () => {
    mockFetch({ 'GET /api/x': { ok: 'yes' } });
    expect((await rejectionOf(apiClient.get('/api/x', okSchema))).code).toBe('invalid_response');
  });

  it('recognises a lost session', async () => {
    mockFetch({
      'GET /api/a': () => errorResponse(401, 'token_expired'),
      'GET /api/b': () => errorResponse(401, 'invalid_credentials'),
    });
    expect(isAuthLostError(await rejectionOf(apiClient.get('/api/a', okSchema)))).toBe(true);
    expect(isAuthLostError(await rejectionOf(apiClient.get('/api/b', okSchema)))).toBe(false);
  });
});

describe('apiClient CSRF', () => {
  it('fetches the token once and sends it on mutating requests only', async () => {
    const { calls } = mockFetch({
      'GET /api/csrf': { csrfToken: 'c1' },
      'POST /api/a': { ok: true },
      'GET /api/b': { ok: true },
    });
    await apiClient.post('/api/a', {}, okSchema);
    await apiClient.post('/api/a', {}, okSchema);
    await apiClient.get('/api/b', okSchema);
    expect(calls.filter((c) => c.path === '/api/csrf')).toHaveLength(1);
    expect(calls.filter((c) => c.path === '/api/a').map((c) => c.headers['x-csrf-token'])).toEqual([
      'c1',
      'c1',
    ]);
    expect(calls.find((c) => c.path === '/api/b')?.headers['x-csrf-token']).toBeUndefined();
  });

  it('fetches a fresh token after a sign-in answer, the second-factor hold included (a new session id)', async () => {
    let issued = 0;
    const { calls } = mockFetch({
      'GET /api/csrf': () => jsonResponse({ csrfToken: `c${++issued}` }),
      'POST /api/session': () => errorResponse(401, 'mfa_required'),
      'POST /api/session/mfa': { ok: true },
      'POST /api/a': { ok: true },
    });
    await rejectionOf(apiClient.post('/api/session', {}, okSchema));
    await apiClient.post('/api/session/mfa', {}, okSchema);
    await apiClient.post('/api/a', {}, okSchema);
    expect(
      calls.filter((c) => c.path !== '/api/csrf').map((c) => `${c.path} ${c.headers['x-csrf-token']}`),
    ).toEqual(['/api/session c1', '/api/session/mfa c2', '/api/a c3']);
  });

  it('retries once with a fresh token after csrf_failed', async () => {
    let issued = 0;
    let posts = 0;
    const { calls } = mockFetch({
      'GET /api/csrf': () => jsonResponse({ csrfToken: `c${++issued}` }),
      'POST /api/a': () => (++posts === 1 ? errorResponse(403, 'csrf_failed') : jsonResponse({ ok: true })),
    });
    await expect(apiClient.post('/api/a', {}, okSchema)).resolves.toEqual({ ok: true });
    expect(calls.filter((c) => c.path === '/api/a').map((c) => c.headers['x-csrf-token'])).toEqual([
      'c1',
      'c2',
    ]);
  });

  it('gives up after one retry', async () => {
    const { calls } = mockFetch({
      'GET /api/csrf': { csrfToken: 'c' },
      'POST /api/a': () => errorResponse(403, 'csrf_failed'),
    });
    expect((await rejectionOf(apiClient.post('/api/a', {}, okSchema))).code).toBe('csrf_failed');
    expect(calls.filter((c) => c.path === '/api/a')).toHaveLength(2);
  });

  it('sends no header when the server has no /api/csrf, and asks only once', async () => {
    const { calls } = mockFetch({ 'DELETE /api/tokens/abc': () => jsonResponse(null, 204) });
    await apiClient.delete('/api/tokens/abc');
    await apiClient.delete('/api/tokens/abc');
    expect(calls.filter((c) => c.path === '/api/csrf')).toHaveLength(1);
    expect(calls.find((c) => c.method === 'DELETE')?.headers['x-csrf-token']).toBeUndefined();
  });
});
