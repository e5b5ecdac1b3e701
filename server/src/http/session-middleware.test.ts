import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import type session from 'express-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../platform/logger.js';
import { createErrorHandler } from './error-handler.js';
import { createSessionMiddleware } from './session-middleware.js';
import { SqliteSessionStore } from './sqlite-session-store.js';

/**
 * A store that fails one read must not cost the user the session: express-session, with
 * `unset: 'destroy'`, deletes the session of a request whose session it could not load when the
 * response ends, and re-issues the cookie. The middleware must answer 503 and leave both alone.
 */
class FlakyStore extends SqliteSessionStore {
  failNextRead = false;
  destroyed: string[] = [];

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    if (this.failNextRead) {
      this.failNextRead = false;
      callback(new Error('SQLITE_BUSY: database is locked'));
      return;
    }
    super.get(sid, callback);
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.destroyed.push(sid);
    super.destroy(sid, callback);
  }
}

let store: FlakyStore;
let server: ReturnType<ReturnType<typeof express>['listen']>;
let url: string;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-middleware-'));
  store = new FlakyStore(path.join(dir, 'sessions.db'), { defaultTtlMs: 60_000 });
  const app = express();
  app.use(
    createSessionMiddleware({
      store,
      secrets: ['a-test-secret-that-is-long-enough-0123456789'],
      secureCookies: false,
      absoluteTimeoutMs: 3_600_000,
    }),
  );
  app.post('/sign-in', (req, res) => {
    req.session.createdAt = Date.now();
    res.json({ ok: true });
  });
  app.get('/who', (req, res) => {
    res.json({ signedIn: req.session.createdAt !== undefined });
  });
  app.use(createErrorHandler(createLogger('silent')));
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  store.close();
});

async function whoAmI(cookie: string): Promise<unknown> {
  return (await fetch(`${url}/who`, { headers: { cookie } })).json();
}

describe('session middleware when the store fails a read', () => {
  it('answers 503 and keeps the session and its cookie', async () => {
    const signIn = await fetch(`${url}/sign-in`, { method: 'POST' });
    const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    expect(await whoAmI(cookie)).toEqual({ signedIn: true });

    store.failNextRead = true;
    const failed = await fetch(`${url}/who`, { headers: { cookie } });
    expect(failed.status).toBe(503);
    expect(failed.headers.getSetCookie()).toEqual([]);
    // The delete would run after the response: give it the chance before looking.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(store.destroyed).toEqual([]);

    expect(await whoAmI(cookie)).toEqual({ signedIn: true });
  });
});

describe('session middleware at the absolute timeout', () => {
  it('destroys the session, yet leaves the request an empty session to read; nothing is written back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-middleware-'));
    const timeoutStore = new FlakyStore(path.join(dir, 'sessions.db'), { defaultTtlMs: 60_000 });
    const app = express();
    app.use(
      createSessionMiddleware({
        store: timeoutStore,
        secrets: ['a-test-secret-that-is-long-enough-0123456789'],
        secureCookies: false,
        absoluteTimeoutMs: 200,
      }),
    );
    app.post('/sign-in', (req, res) => {
      req.session.createdAt = Date.now();
      res.json({ ok: true });
    });
    // A route that touches the session, as sign-in (regenerate) and sign-out do.
    app.get('/touch', (req, res) => {
      res.json({ id: typeof req.session.id, signedIn: req.session.createdAt !== undefined });
    });
    app.use(createErrorHandler(createLogger('silent')));
    const timeoutServer = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    try {
      const base = `http://127.0.0.1:${(timeoutServer.address() as AddressInfo).port}`;
      const signIn = await fetch(`${base}/sign-in`, { method: 'POST' });
      const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
      await new Promise((resolve) => setTimeout(resolve, 250));
      const answer = await fetch(`${base}/touch`, { headers: { cookie } });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ id: 'string', signedIn: false });
      expect(timeoutStore.destroyed).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the save at the end of the response
      const length = await new Promise<number>((resolve, reject) =>
        timeoutStore.length((error, n) => (error ? reject(error) : resolve(n ?? 0))),
      );
      expect(length).toBe(0);
    } finally {
      await new Promise((resolve) => timeoutServer.close(resolve));
      timeoutStore.close();
    }
  });
});
