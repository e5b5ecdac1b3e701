import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type session from 'express-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { readOnlySessionHandle } from '../../src/http/stored-session-reader.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { watchStore } from '../support/session-store-probes.js';
import { testAppsClosedAfterAll } from '../support/test-app.js';

/**
 * Issue 16 item 1: the token status the SPA polls is read from the store without express-session's
 * per-request work (docs/decisions/0018-read-only-token-status.md). These tests hold it to the
 * same answers: the plain case answered without writing anything, every other case answered as
 * express-session answers it.
 */

let demo: DemoCloud;
beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
});
afterAll(() => demo.close());
const testApp = testAppsClosedAfterAll();

const login = () => ({ cloud: 'demo', password: demo.credentials.password });

/** Every read of a record, whichever way (express-session's get, the shared read of the SQLite store). */
const reads = (calls: ReturnType<typeof watchStore>) => calls.get + calls.getForReading;

describe('GET /api/token, read from the stored session', () => {
  it('answers a signed-in session with one store read, writes nothing and sets no cookie', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')]);
    const api = new ApiSession(app.url);
    expect((await api.post('/api/session', login())).status).toBe(201);
    const secret = (await api.get('/api/token/secret')).body.token as string;
    const calls = watchStore(app.store);
    for (let i = 0; i < 3; i += 1) {
      const answer = await api.get('/api/token');
      expect(answer.status).toBe(200);
      expect(answer.headers.getSetCookie()).toEqual([]);
      expect(answer.body).toMatchObject({
        cloud: 'demo',
        user: { name: 'demo' },
        tokenPreview: secret.slice(0, 16) + '…',
      });
      expect(answer.body.secondsLeft).toBeGreaterThan(0);
      expect(answer.body).not.toHaveProperty('token');
    }
    expect(calls.getForReading).toBe(3);
    expect(calls.get).toBe(0);
    expect(calls.set).toBe(0);
    expect(calls.destroy).toBe(0);
  });

  it('sends a request with a body the express-session way, which refuses what it refuses', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')]);
    const api = new ApiSession(app.url);
    expect((await api.post('/api/session', login())).status).toBe(201);
    // fetch() sends no body with a GET; a hand-made client may.
    const withBody = (contentType: string, body: string) =>
      new Promise<{ status: number }>((resolve, reject) => {
        const request = http.request(
          `${app.url}/api/token`,
          {
            method: 'GET',
            headers: {
              Cookie: api.cookieHeader!,
              'Content-Type': contentType,
              'Content-Length': Buffer.byteLength(body),
            },
          },
          (response) => {
            response.resume();
            response.on('end', () => resolve({ status: response.statusCode! }));
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    expect((await withBody('text/plain', 'hello')).status).toBe(415);
    expect((await withBody('application/json', '{"broken"')).status).toBe(400);
    expect((await withBody('application/json', JSON.stringify({ pad: 'x'.repeat(20_000) }))).status).toBe(
      413,
    );
  });

  it('carries no ETag, like every API answer: they are never stored, so a validator is only work', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')]);
    const api = new ApiSession(app.url);
    expect((await api.post('/api/session', login())).status).toBe(201);
    for (const path of ['/api/token', '/api/session', '/api/clouds', '/api/catalog']) {
      const answer = await api.get(path);
      expect(answer.status, path).toBe(200);
      expect(answer.headers.get('cache-control'), path).toBe('no-store');
      expect(answer.headers.get('etag'), path).toBeNull();
    }
  });

  it("leaves the SPA's files their validators: an ETag on the assets, Last-Modified on the page", async () => {
    const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-access-spa-'));
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>API Access</title>');
    fs.writeFileSync(path.join(staticDir, 'app.js'), 'console.log(1);');
    const app = await testApp([demoCloudConfig(demo, 'demo')], { staticDir });
    expect((await fetch(`${app.url}/app.js`)).headers.get('etag')).toMatch(/^W\/"/);
    const page = await fetch(`${app.url}/catalog`);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const lastModified = page.headers.get('last-modified')!;
    expect(lastModified).toBeTruthy();
    // As a browser revalidates (fetch() would add Cache-Control: no-cache to a conditional request).
    const revalidated = await fetch(`${app.url}/catalog`, {
      headers: { 'If-Modified-Since': lastModified, 'Cache-Control': 'max-age=0' },
    });
    expect(revalidated.status).toBe(304);
  });

  it('sends a cookie signed with an earlier secret the express-session way, which signs it again', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-access-rotation-'));
    const clouds = [demoCloudConfig(demo, 'demo')];
    const [oldSecret, newSecret] = [
      'old-secret-long-enough-0123456789abcdef',
      'new-secret-long-enough-0123456789abcdef',
    ];
    const before = await testApp(clouds, { dataDir, secrets: [oldSecret] });
    const api = new ApiSession(before.url);
    expect((await api.post('/api/session', login())).status).toBe(201);
    const oldCookie = api.sessionCookie!;

    const rotating = await testApp(clouds, { dataDir, secrets: [newSecret, oldSecret] });
    const read = await api.at(rotating.url).request('GET', '/api/token', undefined, { Cookie: oldCookie });
    expect(read.status).toBe(200);
    expect(read.body.cloud).toBe('demo');
    const resigned = read.headers.getSetCookie().find((line) => line.startsWith('api-access.sid='));
    expect(resigned).toBeDefined();
    expect(resigned).not.toMatch(/Max-Age|Expires/i);
    const newCookie = resigned!.split(';')[0]!;
    expect(newCookie).not.toBe(oldCookie);
    expect(newCookie.slice(0, newCookie.lastIndexOf('.'))).toBe(
      oldCookie.slice(0, oldCookie.lastIndexOf('.')),
    );

    // Signed again with the current secret: read the plain way, with no cookie to set.
    const plain = await api.at(rotating.url).request('GET', '/api/token', undefined, { Cookie: newCookie });
    expect(plain.status).toBe(200);
    expect(plain.headers.getSetCookie()).toEqual([]);

    const rotated = await testApp(clouds, { dataDir, secrets: [newSecret] });
    const refused = await api.at(rotated.url).request('GET', '/api/token', undefined, { Cookie: oldCookie });
    expect(refused.status).toBe(401);
    expect(
      (await api.at(rotated.url).request('GET', '/api/token', undefined, { Cookie: newCookie })).status,
    ).toBe(200);
  });

  it('gives a forged, unsigned or tampered cookie the usual 401 and reads no record for it', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')]);
    const api = new ApiSession(app.url);
    expect((await api.post('/api/session', login())).status).toBe(201);
    const value = decodeURIComponent(api.sessionCookie!.split('=')[1]!); // s:<id>.<signature>
    const id = value.slice(2, value.lastIndexOf('.'));
    const calls = watchStore(app.store);
    for (const forged of [
      id,
      `s:${id}.${'A'.repeat(43)}`,
      `s:${id}x.${value.slice(value.lastIndexOf('.') + 1)}`,
    ]) {
      const answer = await new ApiSession(app.url).request('GET', '/api/token', undefined, {
        Cookie: `api-access.sid=${encodeURIComponent(forged)}`,
      });
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('not_authenticated');
    }
    expect(reads(calls)).toBe(0);
  });

  it('answers 503 when the store cannot be read, and the session lives on', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')]);
    const api = new ApiSession(app.url);
    expect((await api.post('/api/session', login())).status).toBe(201);
    const store = app.store as session.Store & Record<'get' | 'getForReading', unknown>;
    const [get, getForReading] = [store.get, store.getForReading];
    store.get = store.getForReading = (_sid: string, callback: (error: unknown) => void) =>
      callback(new Error('disk I/O error'));
    const failed = await api.get('/api/token');
    expect(failed.status).toBe(503);
    expect(failed.headers.getSetCookie()).toEqual([]);
    [store.get, store.getForReading] = [get, getForReading];
    expect((await api.get('/api/token')).status).toBe(200);
  });

  it('sends a session waiting for its passcode the express-session way: 401, the hold kept', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo-mfa', { as: 'mfa' })]);
    const api = new ApiSession(app.url);
    const held = await api.post('/api/session', {
      cloud: 'demo-mfa',
      password: demo.credentials.mfa!.password,
    });
    expect(held.body.error.code).toBe('mfa_required');
    expect((await api.get('/api/token')).status).toBe(401);
    // The hold is still there: the passcode completes the sign-in.
    expect((await api.post('/api/session/mfa', { passcode: demo.currentPasscode()! })).status).toBe(201);
    expect((await api.get('/api/token')).status).toBe(200);
  });
});

describe('readOnlySessionHandle', () => {
  it('refuses every write, so a read-only request can never lose one silently', async () => {
    const handle = readOnlySessionHandle({ id: 's1', auth: { cloud: 'demo' } as never });
    expect(handle.id).toBe('s1');
    expect(handle.auth?.cloud).toBe('demo');
    expect(() => {
      handle.auth = undefined;
    }).toThrow(/only reads/);
    await expect(handle.regenerate()).rejects.toThrow(/only reads/);
    await expect(handle.destroy()).rejects.toThrow(/only reads/);
  });
});
