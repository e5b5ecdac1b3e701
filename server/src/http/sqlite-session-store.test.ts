import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type session from 'express-session';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteSessionStore } from './sqlite-session-store.js';

const stores: SqliteSessionStore[] = [];
function openStore(file: string, now: () => number) {
  const store = new SqliteSessionStore(file, { defaultTtlMs: 60_000, now });
  stores.push(store);
  return store;
}
afterEach(() => stores.splice(0).forEach((store) => store.close()));

const call = <T>(fn: (cb: (err: unknown, value?: T) => void) => void) =>
  new Promise<T | undefined>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

function sessionExpiringAt(ms: number): session.SessionData {
  return { cookie: { expires: new Date(ms), originalMaxAge: 1000 } } as session.SessionData;
}

describe('SQLite session store', () => {
  it('keeps sessions across a reopen of the file (a BFF restart signs nobody out)', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sessions-')), 'sessions.db');
    let now = 1_000_000;
    const first = openStore(file, () => now);
    await call((cb) => first.set('sid-a', { ...sessionExpiringAt(now + 5000), createdAt: 1 } as never, cb));
    first.close();

    const reopened = openStore(file, () => now);
    const loaded = await call<session.SessionData | null>((cb) => reopened.get('sid-a', cb));
    expect(loaded).toMatchObject({ createdAt: 1 });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    now += 6000;
    expect(await call((cb) => reopened.get('sid-a', cb))).toBeNull();
    expect(reopened.purgeExpired()).toBe(1);
  });

  it('destroys, touches and counts', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sessions-')), 'sessions.db');
    const now = 5_000;
    const store = openStore(file, () => now);
    await call((cb) => store.set('a', sessionExpiringAt(now + 10), cb));
    await call((cb) => store.set('b', sessionExpiringAt(now + 10), cb));
    expect(await call<number>((cb) => store.length(cb))).toBe(2);
    await call((cb) => store.destroy('a', cb));
    expect(await call((cb) => store.get('a', cb))).toBeNull();
    await call((cb) => store.touch('b', sessionExpiringAt(now - 120_000), cb));
    expect(await call((cb) => store.get('b', cb))).toBeNull();
  });

  it('writes a touch only when it moves the expiry by a minute or more (hour-long idle timeout)', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sessions-')), 'sessions.db');
    let now = 1_000_000;
    const store = new SqliteSessionStore(file, { defaultTtlMs: 3_600_000, now: () => now });
    stores.push(store);
    await call((cb) => store.set('s', sessionExpiringAt(now + 90_000), cb));
    // A request 30 s later moves the expiry by 30 s: not written, the stored expiry stays.
    await call((cb) => store.touch('s', sessionExpiringAt(now + 120_000), cb));
    now += 95_000;
    expect(await call((cb) => store.get('s', cb))).toBeNull();
    // A touch that moves it by more than a minute is written.
    now = 1_000_000;
    await call((cb) => store.set('t', sessionExpiringAt(now + 90_000), cb));
    await call((cb) => store.touch('t', sessionExpiringAt(now + 200_000), cb));
    now += 150_000;
    expect(await call((cb) => store.get('t', cb))).not.toBeNull();
  });
});

describe('SQLite session store, reads for a read-only request', () => {
  it('shares one frozen record while the stored text is unchanged, and reads a change at once, even from another process', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sessions-')), 'sessions.db');
    const now = 1_000_000;
    const store = openStore(file, () => now);
    const other = openStore(file, () => now); // another BFF process on the same file
    const signedIn = (project: string) =>
      ({ ...sessionExpiringAt(now + 60_000), createdAt: 1, auth: { current: { project } } }) as never;
    await call((cb) => store.set('sid-a', signedIn('demo'), cb));

    const first = await call<session.SessionData | null>((cb) => store.getForReading('sid-a', cb));
    const second = await call<session.SessionData | null>((cb) => store.getForReading('sid-a', cb));
    expect(second).toBe(first);
    expect(Object.isFrozen(first!.auth!.current)).toBe(true);
    // express-session's own read is a fresh object it may change.
    const forExpressSession = await call<session.SessionData | null>((cb) => store.get('sid-a', cb));
    expect(forExpressSession).not.toBe(first);
    expect(Object.isFrozen(forExpressSession)).toBe(false);

    await call((cb) => other.set('sid-a', signedIn('other'), cb));
    const changed = await call<session.SessionData | null>((cb) => store.getForReading('sid-a', cb));
    expect((changed!.auth!.current as unknown as { project: string }).project).toBe('other');

    await call((cb) => other.destroy('sid-a', cb));
    expect(await call((cb) => store.getForReading('sid-a', cb))).toBeNull();
  });

  it('keeps at most a bounded number of shared records, the least recently read going first, and none of a large record', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sessions-')), 'sessions.db');
    const now = 1_000_000;
    const store = new SqliteSessionStore(file, { defaultTtlMs: 60_000, now: () => now, sharedReads: 3 });
    stores.push(store);
    const read = (sid: string) => call<session.SessionData | null>((cb) => store.getForReading(sid, cb));
    for (const sid of ['a', 'b', 'c', 'd', 'big'])
      await call((cb) =>
        store.set(
          sid,
          {
            ...sessionExpiringAt(now + 60_000),
            createdAt: 1,
            ...(sid === 'big' ? { pad: 'x'.repeat(20_000) } : {}),
          } as never,
          cb,
        ),
      );
    const a = await read('a');
    const b = await read('b');
    await read('c');
    expect(await read('a')).toBe(a); // read again: now the most recent
    await read('d'); // one too many: b goes, not a
    expect(store.sharedReadCount).toBe(3);
    expect(await read('a')).toBe(a);
    expect(await read('b')).not.toBe(b);
    // A record from before the catalog moved out can be 64 KB: read, not kept.
    const big = await read('big');
    expect(big).toMatchObject({ createdAt: 1 });
    expect(await read('big')).not.toBe(big);
  });
});
