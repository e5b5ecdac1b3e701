import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers.js';

/**
 * The headers every answer carries, pinned value by value: a library upgrade (helmet) that changes
 * a default must fail here, not in a browser.
 */
let server: ReturnType<ReturnType<typeof express>['listen']>;
let url: string;

beforeAll(async () => {
  const app = express();
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders);
  app.get('/api/thing', (_req, res) => res.json({ ok: true }));
  app.get('/', (_req, res) => res.send('<!doctype html>'));
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** CSP directives as a sorted list, whatever the separator spacing. */
function directives(csp: string | null): string[] {
  return (csp ?? '')
    .split(';')
    .map((directive) => directive.trim())
    .filter(Boolean)
    .sort();
}

describe('security headers', () => {
  it('sends the strict CSP and the frame, referrer, cross-origin and permissions policies on every answer', async () => {
    for (const path of ['/api/thing', '/']) {
      const { headers } = await fetch(`${url}${path}`);
      expect(directives(headers.get('content-security-policy')), path).toEqual(
        [
          "default-src 'self'",
          "script-src 'self'",
          "style-src 'self'",
          "img-src 'self' data:",
          "font-src 'self'",
          "connect-src 'self'",
          "object-src 'none'",
          "base-uri 'none'",
          "form-action 'self'",
          "frame-ancestors 'none'",
        ].sort(),
      );
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(headers.get('permissions-policy')).toBe(
        'camera=(), microphone=(), geolocation=(), clipboard-write=(self)',
      );
      expect(headers.get('x-powered-by')).toBeNull();
    }
  });

  it('forbids caching of API answers only', async () => {
    expect((await fetch(`${url}/api/thing`)).headers.get('cache-control')).toBe('no-store');
    expect((await fetch(`${url}/`)).headers.get('cache-control')).not.toBe('no-store');
  });

  it('sends HSTS over TLS only (X-Forwarded-Proto from a trusted proxy)', async () => {
    const overTls = await fetch(`${url}/api/thing`, { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(overTls.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect((await fetch(`${url}/api/thing`)).headers.get('strict-transport-security')).toBeNull();
  });
});
