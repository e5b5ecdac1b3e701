import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import signature from 'cookie-signature';
import { signIn } from './lib/api-session.mjs';
import { count, table } from './lib/markdown.mjs';
import { readRssKib } from './lib/processes.mjs';
import { reported } from './lib/targets.mjs';

const WARMUP_REQUESTS = 200;
const READ_CONCURRENCY = 20;
const SETTLE_MS = 1000;

/**
 * Memory: the BFF's resident set (VmRSS) with 10,000 stored sessions. Signing in 10,000 times is
 * not possible within the per-user token budget (at most 1,000 creations per minute per user), so
 * the sessions are written through the express-session Store API of the BFF's own SqliteSessionStore
 * (the class the BFF uses, from the same build), each a copy of a real signed-in session under a new
 * id. Then every one of them is read once over HTTP (GET /api/token with its signed cookie), so the
 * BFF has really served 10,000 distinct sessions. Copies cannot open their sealed token (it is
 * bound to the original id), which GET /api/token never does.
 */
const store = (method, target, ...args) =>
  new Promise((resolve, reject) =>
    target[method](...args, (error, value) => (error ? reject(error) : resolve(value))),
  );

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

export async function measureMemory({
  serverDist,
  bff,
  login,
  sessionSecret,
  sessionCount,
  cookieName = 'api-access.sid',
}) {
  const { SqliteSessionStore } = await import(
    pathToFileURL(path.join(serverDist, 'http/sqlite-session-store.js')).href
  );
  const session = await signIn(bff.url, login);
  // Warm the process (JIT, pools) before the baseline.
  for (let i = 0; i < WARMUP_REQUESTS; i += 1) await session.get('/api/token');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const baselineKib = readRssKib(bff.pid);

  const sid = decodeURIComponent(session.cookie.split('=')[1])
    .replace(/^s:/, '')
    .replace(/\.[^.]*$/, '');
  const file = path.join(bff.dataDir, 'sessions.db');
  const sqlite = new SqliteSessionStore(file, { defaultTtlMs: 8 * 3_600_000 });
  const template = await store('get', sqlite, sid);
  if (!template?.auth) throw new Error('the signed-in session is not in the store');
  const sids = Array.from({ length: sessionCount }, () => randomBytes(24).toString('base64url'));
  const insertStart = Date.now();
  for (const id of sids) await store('set', sqlite, id, template);
  const insertMs = Date.now() - insertStart;
  sqlite.close();
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
  const dbBytes = ['', '-wal'].reduce(
    (sum, suffix) => sum + (fs.existsSync(file + suffix) ? fs.statSync(file + suffix).size : 0),
    0,
  );
  const toMib = (kib) => Number((kib / 1024).toFixed(1));
  const data = {
    store: 'sqlite',
    sessions: sessionCount + 1,
    sessionJsonBytes: JSON.stringify(template).length,
    warmupRequests: WARMUP_REQUESTS,
    readConcurrency: READ_CONCURRENCY,
    settleMs: SETTLE_MS,
    insertMs,
    serveAllMs: serveMs,
    failedReads: failures,
    rssMiB: {
      baseline: toMib(baselineKib),
      afterInsert: toMib(afterInsertKib),
      peakWhileServing: toMib(Math.max(peakKib, afterServeKib)),
      afterServingAll: toMib(afterServeKib),
    },
    sqliteFilesMiB: Number((dbBytes / 1048576).toFixed(1)),
  };
  return { ...data, ...targetsOf(data) };
}

/** No target in issue 7: the figure is reported. */
export function targetsOf(r) {
  return {
    targets: [],
    reported: [
      reported({
        id: 'rss',
        name: `Memory: BFF RSS with ${count(r.sessions)} stored sessions (SQLite), after serving each once`,
        value: r.rssMiB.afterServingAll,
        unit: 'MiB',
        note: `baseline ${r.rssMiB.baseline} MiB, peak ${r.rssMiB.peakWhileServing} MiB; ${r.failedReads} failed reads`,
      }),
    ],
  };
}

export const steps = [
  {
    name: 'memory',
    plan: (quick) => ({ storedSessions: quick ? 1000 : 10_000 }),
    run: async (ctx) => {
      const { login, cloudsFile } = await ctx.demo();
      const { serverDist } = await ctx.build();
      const bff = await ctx.startBff('bff-memory', cloudsFile);
      try {
        return await measureMemory({
          serverDist,
          bff,
          login,
          sessionSecret: ctx.sessionSecret,
          sessionCount: ctx.plan.storedSessions,
        });
      } finally {
        await bff.stop();
      }
    },
  },
];

export function section({ measurements }) {
  const r = measurements.memory;
  if (!r) return null;
  const copies = count(r.sessions - 1);
  return [
    '## Memory',
    '',
    `${count(r.sessions)} sessions in the BFF's SQLite store (${r.sqliteFilesMiB} MiB on disk, ${r.sessionJsonBytes} bytes of JSON each). Signing in ${copies} times is not possible within the per-user token budget, so one real signed-in session was copied under ${copies} new ids through the express-session Store API of the BFF's own \`SqliteSessionStore\` (${(r.insertMs / 1000).toFixed(1)} s); then every one of them was read once over HTTP (\`GET /api/token\` with its signed cookie, ${r.readConcurrency} at a time, ${(r.serveAllMs / 1000).toFixed(1)} s, ${r.failedReads} failures), so the BFF really served them all.`,
    '',
    table(
      ['moment', 'BFF VmRSS'],
      [
        [`after start-up and ${r.warmupRequests} warm-up requests`, `${r.rssMiB.baseline} MiB`],
        [`after ${copies} sessions were written to the store`, `${r.rssMiB.afterInsert} MiB`],
        ['peak sampled while serving each session once', `${r.rssMiB.peakWhileServing} MiB`],
        [`${r.settleMs / 1000} s after serving all of them`, `${r.rssMiB.afterServingAll} MiB`],
      ],
    ),
    '',
    `Sessions live in the store, not in the process: writing them changed the BFF's RSS by ${(r.rssMiB.afterInsert - r.rssMiB.baseline).toFixed(1)} MiB. Serving each of them once (${copies} requests, ${r.readConcurrency} at a time) raised it by ${(r.rssMiB.afterServingAll - r.rssMiB.baseline).toFixed(1)} MiB, which V8 had not returned ${r.settleMs / 1000} s later; RSS alone cannot tell retained objects from heap V8 simply keeps (that would take a heap snapshot after a forced GC, not done here).`,
  ].join('\n');
}
