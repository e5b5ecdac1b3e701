import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 6 "Secrets": tokens and the kept password are sealed inside the session record. The raw
 * bytes of the SQLite file (and its WAL, where fresh writes live first) hold neither; and a
 * restart of the BFF on the same data dir and secret signs nobody out.
 */

let demo: DemoCloud;
let app: TestApp | null = null;

beforeAll(async () => {
  demo = await startDemoCloud({ profile: 'default' });
});
afterAll(async () => {
  await app?.close();
  await demo.close();
});

/** Every file SQLite keeps for the store: the database, its write-ahead log and shared memory. */
function readStoreBytes(dataDir: string): { files: string[]; bytes: Buffer } {
  const files = fs.readdirSync(dataDir).filter((name) => name.startsWith('sessions.db'));
  return { files, bytes: Buffer.concat(files.map((name) => fs.readFileSync(path.join(dataDir, name)))) };
}

/** Occurrences of a secret in raw bytes, as UTF-8 and as it would look JSON- or URL-escaped. */
function countIn(bytes: Buffer, secret: string): number {
  const forms = new Set([
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    Buffer.from(secret).toString('base64'),
  ]);
  let count = 0;
  for (const form of forms) {
    const needle = Buffer.from(form);
    for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) count += 1;
  }
  return count;
}

describe('sessions at rest', () => {
  it('keeps no token and no password readable in the SQLite files, and survives a restart', async () => {
    app = await startTestApp([demoCloudConfig(demo, 'demo')]);
    const dataDir = app.dataDir;
    const api = new ApiSession(app.url);
    expect(
      (await api.post('/api/session', { cloud: 'demo', password: demo.credentials.password })).status,
    ).toBe(201);
    const first = (await api.get('/api/token/secret')).body.token as string;
    expect((await api.post('/api/token/reissue', {})).status).toBe(200);
    const second = (await api.get('/api/token/secret')).body.token as string;
    expect(second).not.toBe(first);
    // A second session, scoped elsewhere, so the store holds several records.
    const other = new ApiSession(app.url);
    expect(
      (
        await other.post('/api/session', {
          cloud: 'demo',
          password: demo.credentials.password,
          projectId: demo.credentials.projectId,
        })
      ).status,
    ).toBe(201);
    const third = (await other.get('/api/token/secret')).body.token as string;

    const { files, bytes } = readStoreBytes(dataDir);
    expect(files).toContain('sessions.db');
    // The store really holds the sessions (the search below is not over an empty file).
    expect(bytes.includes(Buffer.from('"auth"'))).toBe(true);
    expect(bytes.includes(Buffer.from(first.slice(0, 8)))).toBe(true); // the preview is meant to be there
    for (const secret of [first, second, third, demo.credentials.password]) {
      expect(countIn(bytes, secret), `secret ${secret.slice(0, 6)}… found in ${files.join(', ')}`).toBe(0);
    }
    // The preview is the only part of a token kept in clear, and it is short.
    expect(countIn(bytes, first.slice(8, 40))).toBe(0);

    // Restart: close the app, start another on the same data dir with the same secret.
    const info = (await api.get('/api/token')).body;
    await app.close();
    app = await startTestApp([demoCloudConfig(demo, 'demo')], { dataDir });
    // The browser keeps its cookie.
    const restarted = api.at(app.url);
    const after = await restarted.get('/api/token');
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(after.body.id).toBe(info.id);
    expect((await restarted.get('/api/token/secret')).body.token).toBe(second);
    expect((await restarted.get('/api/networks')).status).toBe(200);
  });
});
