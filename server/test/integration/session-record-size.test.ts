import path from 'node:path';
import Database from 'better-sqlite3';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/contract/catalog.js';
import type { NetworkPage } from '../../src/contract/networks.js';
import { startDemoCloud, type DemoCloud } from '../../src/demo-cloud/demo-cloud.js';
import { ApiSession } from '../support/api-session.js';
import { demoCloudConfig } from '../support/demo-cloud-config.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 16 item 2: the session record, which every request reads, stays under 2 KB whatever the
 * catalog's size; the catalog is kept once per token beside the ledger, read by the pages that
 * need it, and gone with the session (docs/decisions/0014-catalog-stored-per-token.md).
 * A real cloud's catalog: 40 services in 4 regions (the profile's own 4 services, 36 generated).
 */
const RECORD_LIMIT_BYTES = 2048;
const REGIONS = ['RegionOne', 'RegionTwo', 'RegionThree', 'RegionFour'];

let redis: TestRedis;
let demo: DemoCloud;
beforeAll(async () => {
  redis = await startTestRedis();
  demo = await startDemoCloud({ extraCatalog: { services: 36, regions: REGIONS } });
});
afterAll(async () => {
  await demo?.close();
  await redis?.stop();
});

const sessionIdOf = (api: ApiSession) =>
  decodeURIComponent(api.sessionCookie!.split('=')[1]!)
    .replace(/^s:/, '')
    .replace(/\.[^.]*$/, '');

/** What the store itself holds for a session: its record's size and how many catalogs it keeps. */
interface StoredFacts {
  recordBytes(sid: string): Promise<number | null>;
  catalogCount(sid: string): Promise<number>;
  close(): Promise<void>;
}

async function sqliteFacts(app: TestApp): Promise<StoredFacts> {
  const db = new Database(path.join(app.dataDir, 'sessions.db'), { readonly: true });
  return {
    recordBytes: async (sid) =>
      db
        .prepare<[string], { n: number }>(
          'SELECT length(CAST(sess AS BLOB)) AS n FROM sessions WHERE sid = ?',
        )
        .get(sid)?.n ?? null,
    catalogCount: async (sid) =>
      db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM token_catalogs WHERE sid = ?').get(sid)!
        .n,
    close: async () => {
      db.close();
    },
  };
}

async function redisFacts(): Promise<StoredFacts> {
  const client = createClient({ url: redis.url });
  await client.connect();
  return {
    recordBytes: async (sid) => {
      const bytes = await client.strLen(`api-access:sess:${sid}`);
      return bytes === 0 ? null : bytes;
    },
    // One field per token and one `<id>:expires` beside it.
    catalogCount: async (sid) => (await client.hLen(`api-access:catalogs:${sid}`)) / 2,
    close: async () => {
      await client.close();
    },
  };
}

describe.each(['sqlite', 'redis'] as const)(
  'the session record with a 40-service, 4-region catalog (%s)',
  (kind) => {
    let app: TestApp;
    let facts: StoredFacts;
    beforeAll(async () => {
      app = await startTestApp([demoCloudConfig(demo)], kind === 'redis' ? { redisUrl: redis.url } : {});
      facts = kind === 'redis' ? await redisFacts() : await sqliteFacts(app);
    });
    afterAll(async () => {
      await facts?.close();
      await app?.close();
    });

    async function signIn(): Promise<ApiSession> {
      const api = new ApiSession(app.url);
      const answer = await api.post('/api/session', { cloud: 'demo', password: demo.credentials.password });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      return api;
    }

    it('stays under 2 KB while the catalog pages still get every service and region', async () => {
      const api = await signIn();
      const sid = sessionIdOf(api);
      const catalog = (await api.get<Catalog>('/api/catalog')).body;
      expect(catalog.services).toHaveLength(40);
      expect(catalog.regions).toEqual(expect.arrayContaining(REGIONS));
      expect(JSON.stringify(catalog).length).toBeGreaterThan(20 * RECORD_LIMIT_BYTES);
      const networks = await api.get<NetworkPage>('/api/networks?region=RegionOne');
      expect(networks.status, JSON.stringify(networks.body)).toBe(200);
      expect((await api.get('/api/token')).status).toBe(200);

      expect(await facts.recordBytes(sid)).toBeLessThanOrEqual(RECORD_LIMIT_BYTES);
      expect(await facts.catalogCount(sid)).toBe(1);

      // A reissue is a new token: its catalog is kept beside it, the record stays small.
      expect((await api.post('/api/token/reissue', {})).status).toBe(200);
      expect((await api.get<Catalog>('/api/catalog')).body.services).toHaveLength(40);
      expect(await facts.recordBytes(sid)).toBeLessThanOrEqual(RECORD_LIMIT_BYTES);
      expect(await facts.catalogCount(sid)).toBe(2);
    });

    it('drops the catalogs with the session at sign-out', async () => {
      const api = await signIn();
      const sid = sessionIdOf(api);
      expect(await facts.catalogCount(sid)).toBe(1);
      expect((await api.delete('/api/session')).status).toBe(200);
      expect(await facts.recordBytes(sid)).toBeNull();
      expect(await facts.catalogCount(sid)).toBe(0);
    });

    it('drops the catalogs of the earlier session when the browser signs in again', async () => {
      const api = await signIn();
      const first = sessionIdOf(api);
      const answer = await api.post('/api/session', { cloud: 'demo', password: demo.credentials.password });
      expect(answer.status).toBe(201);
      expect(sessionIdOf(api)).not.toBe(first);
      await expect.poll(() => facts.catalogCount(first)).toBe(0);
      expect(await facts.catalogCount(sessionIdOf(api))).toBe(1);
    });
  },
);
