import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession, type ApiAnswer } from '../support/api-session.js';
import { demoCloudConfig, sleep } from '../support/demo-cloud-config.js';
import { storedSessions } from '../support/session-store-probes.js';
import { testAppsClosedAfterAll, type TestApp } from '../support/test-app.js';

/**
 * Issue 13 item 6 "Errors that become 500": a session whose sealed values no configured key opens
 * any more, and the request that meets the absolute timeout, end the session cleanly (401 sign in
 * again), never with 500 internal_error.
 */

let demo: DemoCloud;
beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
});
afterAll(() => demo.close());
const testApp = testAppsClosedAfterAll();

const oldSecret = 'the-old-session-secret-that-is-long-enough-0123456789';
const newSecret = 'the-new-session-secret-that-is-long-enough-9876543210';

/** The same browser against another app on the same store. */
function moveTo(api: ApiSession, app: TestApp): ApiSession {
  return api.at(app.url);
}

function expectSignInAgain(answer: ApiAnswer): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(401);
  expect((answer.body as any).error.code).toBe('not_authenticated');
  expect((answer.body as any).error.message).toMatch(/sign in again/i);
}

describe('a session no current key opens', () => {
  it('ends with 401 "sign in again" and is destroyed, once the secret that sealed it is removed', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-access-unreadable-'));
    const clouds = [demoCloudConfig(demo, 'demo')];
    const login = { cloud: 'demo', password: demo.credentials.password };

    // Signed in while the old secret was the only one: tokens and password sealed with it.
    const before = await testApp(clouds, { dataDir, secrets: [oldSecret] });
    const reader = new ApiSession(before.url);
    expect((await reader.post('/api/session', login)).status).toBe(201);
    const leaver = new ApiSession(before.url);
    expect((await leaver.post('/api/session', login)).status).toBe(201);
    await before.close();

    // Rotation: the new secret first, the old one still accepted. The cookies are re-signed with
    // the new secret on the next answer; the sealed values stay sealed with the old one.
    const rotating = await testApp(clouds, { dataDir, secrets: [newSecret, oldSecret] });
    const readerThere = moveTo(reader, rotating);
    const leaverThere = moveTo(leaver, rotating);
    expect((await readerThere.get('/api/token/secret')).status).toBe(200);
    expect((await leaverThere.get('/api/token')).status).toBe(200);
    await rotating.close();

    // The old secret removed: the cookies are still valid, what they lead to no longer opens.
    const after = await testApp(clouds, { dataDir, secrets: [newSecret] });
    expect(storedSessions(after)).toBe(2);
    const readerAfter = moveTo(readerThere, after);
    const secret = await readerAfter.get('/api/token/secret');
    expectSignInAgain(secret);
    expect(secret.headers.getSetCookie().some((line) => /^api-access\.sid=;/.test(line))).toBe(true);
    expect(storedSessions(after)).toBe(1);
    expect((await readerAfter.get('/api/token')).status).toBe(401);

    // Another use of such a session: a reissue (the sealed password).
    const leaverAfter = moveTo(leaverThere, after);
    expectSignInAgain(await leaverAfter.post('/api/token/reissue', {}));
    expect(storedSessions(after)).toBe(0);
    expect((await leaverAfter.get('/api/token')).status).toBe(401);

    // Signing in again works, and the logs hold no 500.
    expect((await new ApiSession(after.url).post('/api/session', login)).status).toBe(201);
    expect(after.logs()).not.toContain('"status":500');
    expect(after.logs()).not.toContain('unhandled error');
  });

  it('signs out a session whose tokens no key opens: 200, the tokens counted as not revoked', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-access-unreadable-'));
    const clouds = [demoCloudConfig(demo, 'demo')];
    const before = await testApp(clouds, { dataDir, secrets: [oldSecret] });
    const api = new ApiSession(before.url);
    expect(
      (await api.post('/api/session', { cloud: 'demo', password: demo.credentials.password })).status,
    ).toBe(201);
    await before.close();
    const rotating = await testApp(clouds, { dataDir, secrets: [newSecret, oldSecret] });
    const there = moveTo(api, rotating);
    expect((await there.get('/api/token')).status).toBe(200);
    await rotating.close();
    const after = await testApp(clouds, { dataDir, secrets: [newSecret] });
    const signOut = await moveTo(there, after).delete('/api/session');
    expect(signOut.status, JSON.stringify(signOut.body)).toBe(200);
    expect(signOut.body).toEqual({ revoked: 0, notRevoked: 1 });
    expect(storedSessions(after)).toBe(0);
  });
});

describe('the absolute timeout', () => {
  it('answers the request that meets it, and the ones after it, without a 500; signing in again works', async () => {
    const app = await testApp([demoCloudConfig(demo, 'demo')], { sessionAbsoluteTimeoutMs: 1000 });
    const login = { cloud: 'demo', password: demo.credentials.password };
    const calls: [string, string, unknown][] = [
      ['GET', '/api/csrf', undefined],
      ['GET', '/api/session', undefined],
      ['GET', '/api/tokens', undefined],
      ['POST', '/api/token/reissue', {}],
      ['DELETE', '/api/session', undefined],
      ['POST', '/api/session', login],
    ];
    for (const [method, path, body] of calls) {
      const api = new ApiSession(app.url);
      expect((await api.post('/api/session', login)).status).toBe(201);
      await api.refreshCsrfToken();
      await sleep(1100);
      // The request that meets the timeout, with everything a browser holds.
      const first = await api.send(method, path, body, {}, method !== 'GET');
      expect(first.status, `${method} ${path}: ${JSON.stringify(first.body)}`).toBeLessThan(500);
      const next = await api.request(method, path, body);
      expect(next.status, `then ${method} ${path}: ${JSON.stringify(next.body)}`).toBeLessThan(500);
    }
    expect(app.logs()).not.toContain('unhandled error');
    const again = new ApiSession(app.url);
    expect((await again.post('/api/session', login)).status).toBe(201);
  }, 30_000);
});
