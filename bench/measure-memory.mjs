import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import signature from 'cookie-signature';
import { signIn } from './lib/api-session.mjs';
import { readRssKib } from './lib/processes.mjs';

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
  for (let i = 0; i < 200; i += 1) await session.get('/api/token');
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
  await forEachConcurrently(sids, 20, async (id) => {
    const cookie = `${cookieName}=${encodeURIComponent(`s:${signature.sign(id, sessionSecret)}`)}`;
    const response = await fetch(`${bff.url}/api/token`, { headers: { cookie } });
    await response.arrayBuffer();
    if (response.status !== 200) failures += 1;
    if (Math.random() < 0.01) peakKib = Math.max(peakKib, readRssKib(bff.pid));
  });
  const serveMs = Date.now() - serveStart;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const afterServeKib = readRssKib(bff.pid);
  const dbBytes = ['', '-wal'].reduce(
    (sum, suffix) => sum + (fs.existsSync(file + suffix) ? fs.statSync(file + suffix).size : 0),
    0,
  );
  const toMib = (kib) => Number((kib / 1024).toFixed(1));
  return {
    store: 'sqlite',
    sessions: sessionCount + 1,
    sessionJsonBytes: JSON.stringify(template).length,
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
    target: 'no target in the issue: reported',
    holds: failures === 0,
  };
}
