import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import signature from 'cookie-signature';
import { signIn } from './lib/api-session.mjs';
import { copyRedisSessions, copySqliteSessions } from './lib/copy-sessions.mjs';
import { count, table } from './lib/markdown.mjs';
import { readRssKib } from './lib/processes.mjs';
import { reported, target } from './lib/targets.mjs';

const WARMUP_REQUESTS = 200;
const READ_CONCURRENCY = 20;
const SETTLE_MS = 1000;
const RECORD_LIMIT_BYTES = 2048;
/** A real cloud's catalog (issue 16 item 2): the demo's 4 services and 36 generated, in 4 regions. */
const CATALOG = { services: 36, regions: ['RegionOne', 'RegionTwo', 'RegionThree', 'RegionFour'] };

/**
 * Memory: the BFF's resident set (VmRSS) and, with Redis, Redis's used_memory, with 10,000 stored
 * sessions signed in to a cloud whose catalog lists 40 services in 4 regions. One real signed-in
 * session is copied under 10,000 new ids at the storage level (lib/copy-sessions.mjs), then every
 * one of them is read once over HTTP (GET /api/token with its signed cookie), so the BFF really
 * served 10,000 distinct sessions. With `--baseline=<ref>` the BFF of that commit is measured the
 * same way in the same run (before: the catalog inside every record).
 */
async function forEachConcurrently(items, concurrency, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next];
        next += 1;
        await work(item);
      }
    }),
  );
}

const toMib = (bytes) => Number((bytes / 1048576).toFixed(1));

export async function measureMemory({ bff, login, sessionSecret, sessionCount, redisUrl, label, commit }) {
  const cookieName = 'api-access.sid';
  const session = await signIn(bff.url, login);
  for (let i = 0; i < WARMUP_REQUESTS; i += 1) await session.get('/api/token');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const baselineKib = readRssKib(bff.pid);

  const sid = decodeURIComponent(session.cookie.split('=')[1])
    .replace(/^s:/, '')
    .replace(/\.[^.]*$/, '');
  const sids = Array.from({ length: sessionCount }, () => randomBytes(24).toString('base64url'));
  const insertStart = Date.now();
  const stored = redisUrl
    ? await copyRedisSessions(redisUrl, sid, sids)
    : await copySqliteSessions(bff.dataDir, sid, sids);
  const insertMs = Date.now() - insertStart;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const afterInsertKib = readRssKib(bff.pid);

  let failures = 0;
  let peakKib = afterInsertKib;
  const serveStart = Date.now();
  await forEachConcurrently(sids, READ_CONCURRENCY, async (id) => {
    const cookie = `${cookieName}=${encodeURIComponent(`s:${signature.sign(id, sessionSecret)}`)}`;
    const response = await fetch(`${bff.url}/api/token`, { headers: { cookie } });
    await response.arrayBuffer();
    if (response.status !== 200) failures += 1;
    if (Math.random() < 0.01) peakKib = Math.max(peakKib, readRssKib(bff.pid));
  });
  const serveMs = Date.now() - serveStart;
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const afterServeKib = readRssKib(bff.pid);
  const file = path.join(bff.dataDir, 'sessions.db');
  const dbBytes = ['', '-wal'].reduce(
    (sum, suffix) => sum + (fs.existsSync(file + suffix) ? fs.statSync(file + suffix).size : 0),
    0,
  );
  return {
    label,
    commit,
    sessions: sessionCount + 1,
    recordBytes: stored.recordBytes,
    catalogBytes: stored.catalogBytes,
    insertMs,
    serveAllMs: serveMs,
    failedReads: failures,
    rssMiB: {
      baseline: toMib(baselineKib * 1024),
      afterInsert: toMib(afterInsertKib * 1024),
      peakWhileServing: toMib(Math.max(peakKib, afterServeKib) * 1024),
      afterServingAll: toMib(afterServeKib * 1024),
    },
    ...(redisUrl
      ? {
          redisUsedMiB: {
            before: toMib(stored.redisUsedBytes.before),
            after: toMib(stored.redisUsedBytes.after),
          },
        }
      : { sqliteFilesMiB: toMib(dbBytes) }),
  };
}

export function targetsOf(m) {
  const [current, ...before] = m.runs;
  return {
    targets: [
      target({
        id: 'record',
        name: `Session record with a ${m.catalog.services}-service, ${m.catalog.regions}-region catalog (${m.store})`,
        value: current.recordBytes,
        unit: 'bytes',
        op: '≤',
        limit: RECORD_LIMIT_BYTES,
        note: `catalog kept beside it: ${current.catalogBytes} bytes${before.length ? `; before (${before[0].commit}): a ${before[0].recordBytes}-byte record` : ''}`,
      }),
    ],
    reported: m.runs.map((r) =>
      reported({
        id: `rss-${r.label}`,
        name: `Memory, ${m.store}, ${count(r.sessions)} sessions (${m.catalog.services}-service catalog), ${r.label}: BFF RSS after serving each once${r.redisUsedMiB ? ' / Redis used_memory' : ''}`,
        value: r.rssMiB.afterServingAll,
        unit: 'MiB',
        note: `${r.redisUsedMiB ? `Redis ${r.redisUsedMiB.after} MiB (${r.redisUsedMiB.before} MiB before the copies); ` : ''}BFF baseline ${r.rssMiB.baseline} MiB, peak ${r.rssMiB.peakWhileServing} MiB; ${r.failedReads} failed reads`,
      }),
    ),
  };
}

async function run(ctx, store) {
  const { serverDist } = await ctx.build();
  const baseline = await ctx.baseline();
  const { startDemoCloud, demoCloudsYaml } = await import(
    pathToFileURL(path.join(serverDist, 'demo-cloud/demo-cloud.js')).href
  );
  const cloud = await startDemoCloud({ extraCatalog: CATALOG });
  const cloudsFile = path.join(ctx.tempDir, `memory-${store}-clouds.yaml`);
  fs.writeFileSync(cloudsFile, demoCloudsYaml(cloud, 'demo'), { mode: 0o600 });
  const login = { cloud: 'demo', username: cloud.credentials.username, password: cloud.credentials.password };
  const builds = [{ label: 'this tree', build: null, commit: null }];
  if (baseline)
    builds.push({ label: `before (${baseline.commit})`, build: baseline, commit: baseline.commit });
  const runs = [];
  try {
    for (const { label, build, commit } of builds) {
      const redis = store === 'Redis' ? await ctx.startRedis() : null;
      const env = redis ? { SESSION_STORE: 'redis', REDIS_URL: redis.url } : {};
      const bff = await ctx.startBff(`bff-memory-${store}-${commit ?? 'this'}`, cloudsFile, env, build);
      try {
        runs.push(
          await measureMemory({
            bff,
            login,
            sessionSecret: ctx.sessionSecret,
            sessionCount: ctx.plan.storedSessions,
            redisUrl: redis?.url ?? null,
            label,
            commit,
          }),
        );
      } finally {
        await bff.stop();
        await redis?.stop();
      }
    }
  } finally {
    await cloud.close();
  }
  const data = {
    store,
    catalog: { services: 4 + CATALOG.services, regions: CATALOG.regions.length },
    readConcurrency: READ_CONCURRENCY,
    warmupRequests: WARMUP_REQUESTS,
    settleMs: SETTLE_MS,
    runs,
  };
  return { ...data, ...targetsOf(data) };
}

const plan = (quick) => ({ storedSessions: quick ? 1000 : 10_000 });

export const steps = [
  { name: 'memory', plan, run: (ctx) => run(ctx, 'SQLite') },
  { name: 'memoryRedis', plan, run: (ctx) => run(ctx, 'Redis') },
];

export function section({ measurements }) {
  const stores = [measurements.memory, measurements.memoryRedis].filter((m) => m?.runs);
  if (stores.length === 0) return null;
  const rows = stores.flatMap((m) =>
    m.runs.map((r) => [
      m.store,
      r.label,
      `${r.recordBytes} B`,
      `${r.catalogBytes} B`,
      `${r.rssMiB.baseline} MiB`,
      `${r.rssMiB.peakWhileServing} MiB`,
      `${r.rssMiB.afterServingAll} MiB`,
      r.redisUsedMiB
        ? `${r.redisUsedMiB.before} → ${r.redisUsedMiB.after} MiB`
        : `${r.sqliteFilesMiB} MiB on disk`,
      `${(r.serveAllMs / 1000).toFixed(1)} s`,
      String(r.failedReads),
    ]),
  );
  const first = stores[0];
  const copies = count(first.runs[0].sessions - 1);
  return [
    '## Memory',
    '',
    `Issue 16 item 2: ${count(first.runs[0].sessions)} sessions of one user of a cloud whose catalog lists ${first.catalog.services} services in ${first.catalog.regions} regions (the demo cloud's own 4 services and generated ones). Signing in ${copies} times is not possible within the per-user token budget, so one real signed-in session was copied under ${copies} new ids at the storage level (\`bench/lib/copy-sessions.mjs\`: its record and, where the build keeps them, its ledger and its catalogs); then every one of them was read once over HTTP (\`GET /api/token\` with its signed cookie, ${first.readConcurrency} at a time), so the BFF really served them all. "Before" is the BFF of the baseline commit, measured the same way in the same run. Record and catalog are per session; RSS is the BFF's VmRSS after ${first.warmupRequests} warm-up requests, at its sampled peak while serving, and ${first.settleMs / 1000} s after.`,
    '',
    table(
      [
        'store',
        'BFF',
        'record',
        'catalog beside it',
        'RSS at start',
        'RSS peak',
        'RSS after',
        'store',
        'serving all',
        'failed',
      ],
      rows,
    ),
    '',
    `The record is what every request reads, parses and hashes; the catalog beside it is read by the catalog and networks pages only. With the catalog in the record, serving each session once made the BFF parse and hash the whole catalog ${copies} times; Redis holds one catalog per live token either way (docs/decisions/0014-catalog-stored-per-token.md says why they are not shared between sessions).`,
  ].join('\n');
}
