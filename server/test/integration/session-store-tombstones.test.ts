import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type session from 'express-session';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/auth/auth-state.js';
import { openSessionStore, type OpenedSessionStore } from '../../src/http/session-store.js';
import { createLogger } from '../../src/platform/logger.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

// ADR 0009 (token ledger) and 0010 (tombstones), at the store level, for both stores.
let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => redis?.stop());

function entry(id: string, expiresInMs = 3_600_000): LedgerEntry {
  const now = Date.now();
  return {
    id,
    sealedToken: `sealed-${id}`,
    tokenPreview: `gAAAA${id}…`,
    issuedAtMs: now,
    expiresAtMs: now + expiresInMs,
    isRevoked: false,
    user: { id: 'u1', name: 'demo', domain: null },
    project: null,
    roles: [],
    methods: ['password'],
    auditIds: [],
    applicationCredential: null,
  };
}

const record = (): session.SessionData =>
  ({ cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) }, createdAt: 1 }) as never;

const call = <T>(work: (done: (error: unknown, value?: T) => void) => void) =>
  new Promise<T>((resolve, reject) => work((error, value) => (error ? reject(error) : resolve(value as T))));

describe.each(['sqlite', 'redis'] as const)('the %s session store', (kind) => {
  let opened: OpenedSessionStore;
  beforeAll(async () => {
    opened = await openSessionStore(
      {
        sessionStore: kind,
        redisUrl: kind === 'redis' ? redis.url : null,
        dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'api-access-tombstones-')),
        sessionIdleTimeoutMs: 60_000,
      },
      createLogger('silent'),
    );
  });
  afterAll(async () => opened?.close());

  const get = (sid: string) => call<session.SessionData | null>((done) => opened.store.get(sid, done));
  const set = (sid: string) => call<void>((done) => opened.store.set(sid, record(), done));
  const destroy = (sid: string) => call<void>((done) => opened.store.destroy(sid, done));

  it('never writes a destroyed session back, whatever write comes late', async () => {
    await set('s1');
    expect(await get('s1')).not.toBeNull();
    await destroy('s1');
    await set('s1');
    expect(await get('s1')).toBeNull();
  });

  it('keeps every entry of concurrent appends, lists the unexpired ones, and marks revocations', async () => {
    const ids = Array.from({ length: 50 }, (_, index) => `t${index}`);
    const appended = await Promise.all(ids.map((id) => opened.ledger.append('s2', entry(id), null)));
    expect(appended.every(Boolean)).toBe(true);
    await opened.ledger.append('s2', entry('gone', -1000), null);
    await opened.ledger.markRevoked('s2', 't7');
    const listed = await opened.ledger.list('s2');
    expect(listed.map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(listed.filter((e) => e.isRevoked).map((e) => e.id)).toEqual(['t7']);
  });

  it('closes a ledger in one step: its entries come back once, the session is gone, and later appends are refused', async () => {
    await set('s3');
    await opened.ledger.append('s3', entry('a'), null);
    await opened.ledger.append('s3', entry('b'), null);
    const taken = await opened.ledger.close('s3');
    expect(taken.map((e) => e.id).sort()).toEqual(['a', 'b']);
    expect(await get('s3')).toBeNull();
    expect(await opened.ledger.append('s3', entry('late'), null)).toBe(false);
    await set('s3');
    expect(await get('s3')).toBeNull();
    expect(await opened.ledger.close('s3')).toEqual([]);
  });

  it("keeps each token's catalog beside its entry, and no catalog once the session is closed or destroyed", async () => {
    const catalog = { services: [{ type: 'network', name: 'neutron', endpoints: [] }], regions: ['R1'] };
    await set('s5');
    await opened.ledger.append('s5', entry('a'), catalog);
    await opened.ledger.append('s5', entry('b'), null);
    expect(await opened.ledger.readCatalog('s5', 'a')).toEqual(catalog);
    expect(await opened.ledger.readCatalog('s5', 'b')).toBeNull();
    expect(await opened.ledger.keepCatalog('s5', entry('b'), catalog)).toBe(true);
    expect(await opened.ledger.readCatalog('s5', 'b')).toEqual(catalog);
    // A catalog fetched by a request still in flight at sign-out is not kept.
    await opened.ledger.close('s5');
    expect(await opened.ledger.readCatalog('s5', 'a')).toBeNull();
    expect(await opened.ledger.keepCatalog('s5', entry('c'), catalog)).toBe(false);
    expect(await opened.ledger.readCatalog('s5', 'c')).toBeNull();

    // Destroyed without a ledger close (an unreadable session, express-session's own destroy).
    await set('s6');
    await opened.ledger.append('s6', entry('a'), catalog);
    await destroy('s6');
    expect(await opened.ledger.readCatalog('s6', 'a')).toBeNull();
  });

  it('keeps no catalog, and leaves no key without an expiry, for a token that expired meanwhile', async () => {
    // A second-factor or SSO session uses its token to the last second: the catalog fetched with
    // it may come back after the token expired (or a replica's clock is behind Redis's).
    const catalog = { services: [{ type: 'network', name: 'neutron', endpoints: [] }], regions: ['R1'] };
    await set('s8');
    expect(await opened.ledger.keepCatalog('s8', entry('late', -1000), catalog)).toBe(true);
    expect(await opened.ledger.readCatalog('s8', 'late')).toBeNull();
    await opened.ledger.append('s8', entry('gone', -1000), catalog);
    if (kind === 'redis') {
      const client = createClient({ url: redis.url });
      await client.connect();
      for (const key of ['api-access:catalogs:s8', 'api-access:ledger:s8'])
        expect(await client.pTTL(key), key).not.toBe(-1); // -2 (no key) or a positive expiry
      await client.close();
    }
  });

  it.runIf(kind === 'redis')(
    'sends a rolling expiry to Redis only when it moves by a tenth of the idle timeout',
    async () => {
      const withExpiry = (inMs: number) =>
        ({ cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + inMs) }, createdAt: 1 }) as never;
      const touch = (inMs: number) =>
        call<void>((done) => opened.store.touch!('s7', withExpiry(inMs), () => done(null)));
      const client = createClient({ url: redis.url });
      await client.connect();
      await call<void>((done) => opened.store.set('s7', withExpiry(60_000), done));
      await touch(63_000); // 3 s later than written: under the 6 s granularity, nothing sent
      expect(await client.pTTL('api-access:sess:s7')).toBeLessThanOrEqual(60_000);
      await touch(120_000);
      expect(await client.pTTL('api-access:sess:s7')).toBeGreaterThan(100_000);
      await client.close();
    },
  );

  it.runIf(kind === 'redis')(
    'throttles the touches of a session whose cookie has no expiry (the store keeps the idle timeout)',
    async () => {
      const browserSession = { cookie: { originalMaxAge: null }, createdAt: 1 } as never;
      const client = createClient({ url: redis.url });
      await client.connect();
      await call<void>((done) => opened.store.set('s9', browserSession, done));
      // Shortened behind the store's back: a touch that reaches Redis would lengthen it again.
      await client.pExpire('api-access:sess:s9', 30_000);
      await call<void>((done) => opened.store.touch!('s9', browserSession, () => done(null)));
      expect(await client.pTTL('api-access:sess:s9')).toBeLessThanOrEqual(30_000);
      await client.close();
    },
  );

  it('does not bring a closed ledger back when a revocation races the sign-out', async () => {
    await opened.ledger.append('s4', entry('a'), null);
    await opened.ledger.close('s4');
    await opened.ledger.markRevoked('s4', 'a');
    expect(await opened.ledger.list('s4')).toEqual([]);
    if (kind === 'redis') {
      const client = createClient({ url: redis.url });
      await client.connect();
      expect(await client.exists('api-access:ledger:s4')).toBe(0);
      await client.close();
    }
  });
});
