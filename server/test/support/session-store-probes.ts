import path from 'node:path';
import Database from 'better-sqlite3';
import type session from 'express-session';
import type { TestApp } from './test-app.js';

/** The store's calls from now on, counted by method (every read: `get` or the SQLite store's `getForReading`). */
export function watchStore(store: session.Store) {
  const calls = { get: 0, getForReading: 0, set: 0, touch: 0, destroy: 0 };
  for (const method of Object.keys(calls) as (keyof typeof calls)[]) {
    const methods = store as unknown as Record<string, ((...args: unknown[]) => unknown) | undefined>;
    const original = methods[method]?.bind(store);
    if (!original) continue;
    methods[method] = (...args: unknown[]) => {
      calls[method] += 1;
      return original(...args);
    };
  }
  return calls;
}

/** How many session records the app's SQLite store holds, read from its file. */
export function storedSessions(app: TestApp): number {
  const db = new Database(path.join(app.dataDir, 'sessions.db'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
