import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession } from '../support/api-session.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp([]);
});
afterAll(async () => app.close());

const login = { cloud: 'nowhere', password: 'x' };

describe('CSRF defence', () => {
  it('refuses a sign-in without the token, with a wrong one, and from another origin', async () => {
    const api = new ApiSession(app.url);
    const missing = await api.send('POST', '/api/session', login, {}, false);
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('csrf_failed');

    await api.refreshCsrfToken();
    const wrong = await api.send('POST', '/api/session', login, { 'X-CSRF-Token': 'forged' }, false);
    expect(wrong.body.error.code).toBe('csrf_failed');

    const crossSite = await api.send('POST', '/api/session', login, { 'Sec-Fetch-Site': 'cross-site' }, true);
    expect(crossSite.body.error.code).toBe('csrf_failed');
    const otherOrigin = await api.send(
      'POST',
      '/api/session',
      login,
      { Origin: 'https://evil.example' },
      true,
    );
    expect(otherOrigin.body.error.code).toBe('csrf_failed');
  });

  it('lets a same-origin request with the session token through to validation', async () => {
    const api = new ApiSession(app.url);
    await api.refreshCsrfToken();
    const sameOrigin = await api.send(
      'POST',
      '/api/session',
      login,
      { 'Sec-Fetch-Site': 'same-origin', Origin: app.url },
      true,
    );
    expect(sameOrigin.status).toBe(400);
    expect(sameOrigin.body.error.fields).toEqual({ cloud: 'is not a configured cloud' });
  });

  it('binds the token to the session: another session cannot use it', async () => {
    const victim = new ApiSession(app.url);
    await victim.refreshCsrfToken();
    const stolen = (await victim.get('/api/csrf')).body.csrfToken as string;
    const attacker = new ApiSession(app.url);
    await attacker.refreshCsrfToken();
    const answer = await attacker.send('POST', '/api/session', login, { 'X-CSRF-Token': stolen }, false);
    expect(answer.body.error.code).toBe('csrf_failed');
  });

  it('sends no-store and the security headers on API answers', async () => {
    const answer = await new ApiSession(app.url).get('/api/csrf');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    const cookie = answer.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
  });
});
