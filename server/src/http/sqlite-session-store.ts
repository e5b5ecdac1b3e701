import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import session from 'express-session';

/**
 * The embedded default session store: one SQLite file in DATA_DIR, so a restart of the BFF signs
 * nobody out. Expired sessions are invisible at once and deleted by a periodic purge.
 * WAL mode lets several BFF processes on one host share the file; for replicas on several hosts
 * use the Redis store.
 *
 * A destroyed session leaves a tombstone (`closed_sessions`) that outlives any request, and a write
 * of a tombstoned id is refused in the same statement: a request still in flight when its session
 * was destroyed can never write it back (docs/decisions/0010-atomic-session-writes.md). The token
 * ledger of each session (sqlite-token-ledger.ts) lives in the same file and honours the same
 * tombstones.
 */
/**
 * How long a destroyed session's id stays refused: far longer than any request can run (each
 * upstream call has its own timeout, 10 s by default, and a request makes a few).
 */
export const DEFAULT_CLOSED_TTL_MS = 60 * 60_000;

/** getForReading() keeps records up to this size (today's are about 1.3 KB, ADR 14). */
const MAX_SHARED_RECORD_CHARS = 8192;

export class SqliteSessionStore extends session.Store {
  private readonly db: Database.Database;
  private readonly purgeTimer: NodeJS.Timeout;
  private readonly statements;

  constructor(
    readonly file: string,
    options: {
      defaultTtlMs: number;
      purgeIntervalMs?: number;
      now?: () => number;
      closedTtlMs?: number;
      /** How many records getForReading() keeps parsed (1,000 by default: a few MB). */
      sharedReads?: number;
    },
  ) {
    super();
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.db = new Database(file);
    fs.chmodSync(file, 0o600);
    this.db.pragma('journal_mode = WAL');
    // WAL + NORMAL: no corruption on a crash, at worst the last writes are lost; FULL would fsync
    // on every request (rolling sessions touch on each one), which the 200-session benchmark showed.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS sessions (sid TEXT PRIMARY KEY, sess TEXT NOT NULL, expires INTEGER NOT NULL);' +
        'CREATE INDEX IF NOT EXISTS sessions_expires ON sessions (expires);' +
        'CREATE TABLE IF NOT EXISTS closed_sessions (sid TEXT PRIMARY KEY, until INTEGER NOT NULL);',
    );
    this.now = options.now ?? Date.now;
    this.closedTtlMs = options.closedTtlMs ?? DEFAULT_CLOSED_TTL_MS;
    this.defaultTtlMs = options.defaultTtlMs;
    this.touchGranularityMs = Math.min(60_000, options.defaultTtlMs / 10);
    this.sharedReadsLimit = options.sharedReads ?? 1000;
    this.statements = {
      get: this.db.prepare<[string, number], { sess: string }>(
        'SELECT sess FROM sessions WHERE sid = ? AND expires > ?',
      ),
      // The WHERE makes the tombstone check and the write one statement: no window between them.
      set: this.db.prepare<[string, string, number, string]>(
        'INSERT INTO sessions (sid, sess, expires) SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM closed_sessions WHERE sid = ?) ' +
          'ON CONFLICT(sid) DO UPDATE SET sess = excluded.sess, expires = excluded.expires',
      ),
      close: this.db.prepare<[string, number]>(
        'INSERT INTO closed_sessions (sid, until) VALUES (?, ?) ON CONFLICT(sid) DO UPDATE SET until = excluded.until',
      ),
      purgeClosed: this.db.prepare<[number]>('DELETE FROM closed_sessions WHERE until <= ?'),
      touch: this.db.prepare<[number, string]>('UPDATE sessions SET expires = ? WHERE sid = ?'),
      destroy: this.db.prepare<[string]>('DELETE FROM sessions WHERE sid = ?'),
      purge: this.db.prepare<[number]>('DELETE FROM sessions WHERE expires <= ?'),
      count: this.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM sessions WHERE expires > ?'),
    };
    this.purgeExpired();
    this.purgeTimer = setInterval(() => this.purgeExpired(), options.purgeIntervalMs ?? 10 * 60_000);
    this.purgeTimer.unref();
  }

  readonly now: () => number;
  readonly closedTtlMs: number;
  private readonly lastWrittenExpiry = new Map<string, number>();
  private readonly sharedReads = new Map<string, { text: string; record: session.SessionData }>();
  private readonly sharedReadsLimit: number;
  private readonly touchGranularityMs: number;
  private readonly defaultTtlMs: number;

  private expiryOf(sess: session.SessionData): number {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires).getTime() : this.now() + this.defaultTtlMs;
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    this.run(callback, () => {
      const row = this.statements.get.get(sid, this.now());
      return row ? (JSON.parse(row.sess) as session.SessionData) : null;
    });
  }

  /**
   * The record for a request that only reads it (http/stored-session-reader.ts): deeply frozen,
   * and the same object for as long as the stored text is the same, so a poll parses nothing new.
   * The text is read and compared every time, so a write by this process or another one on the
   * same file is seen at once. Never for express-session, which changes what get() returns.
   */
  getForReading(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    this.run(callback, () => {
      const row = this.statements.get.get(sid, this.now());
      if (!row) return null;
      const shared = this.sharedReads.get(sid);
      // Least recently read first out: a hit moves to the end of the Map's order.
      this.sharedReads.delete(sid);
      if (shared?.text === row.sess) {
        this.sharedReads.set(sid, shared);
        return shared.record;
      }
      const record = deepFreeze(JSON.parse(row.sess) as session.SessionData);
      // A record from before the catalog moved out (ADR 14) can be 64 KB: read, not kept.
      if (row.sess.length > MAX_SHARED_RECORD_CHARS) return record;
      // Bounded: forgetting one costs a parse.
      if (this.sharedReads.size >= this.sharedReadsLimit)
        this.sharedReads.delete(this.sharedReads.keys().next().value!);
      this.sharedReads.set(sid, { text: row.sess, record });
      return record;
    });
  }

  /** How many records getForReading() holds (for its test). */
  get sharedReadCount(): number {
    return this.sharedReads.size;
  }

  override set(sid: string, sess: session.SessionData, callback?: (err?: unknown) => void): void {
    const expires = this.expiryOf(sess);
    this.run(callback, () => {
      this.statements.set.run(sid, JSON.stringify(sess), expires, sid);
      this.rememberExpiry(sid, expires);
    });
  }

  /**
   * Every request touches its session; a write is only worth it when the expiry moves by
   * a tenth of the idle timeout or a minute, whichever is less: the stored expiry then lags the
   * cookie's by at most that much.
   */
  override touch(sid: string, sess: session.SessionData, callback?: (err?: unknown) => void): void {
    const expires = this.expiryOf(sess);
    const written = this.lastWrittenExpiry.get(sid);
    if (written !== undefined && Math.abs(expires - written) < this.touchGranularityMs) {
      callback?.();
      return;
    }
    this.run(callback, () => {
      this.statements.touch.run(expires, sid);
      this.rememberExpiry(sid, expires);
    });
  }

  private rememberExpiry(sid: string, expires: number): void {
    // Bounded: forgetting an entry only costs one extra write.
    if (this.lastWrittenExpiry.size >= 100_000) this.lastWrittenExpiry.clear();
    this.lastWrittenExpiry.set(sid, expires);
  }

  /** Deletes the session and leaves its tombstone (sign-out, a new id at sign-in, a timeout). */
  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.lastWrittenExpiry.delete(sid);
    this.sharedReads.delete(sid);
    this.run(callback, () => this.closeSession(sid));
  }

  /**
   * The tombstone and the delete in one transaction, with what else belongs to the session only
   * (its tokens' catalogs, see onClose); the ledger's close runs inside it too.
   */
  closeSession(sid: string): void {
    this.db.transaction(() => {
      this.statements.close.run(sid, this.now() + this.closedTtlMs);
      this.statements.destroy.run(sid);
      for (const hook of this.closeHooks) hook(sid);
    })();
  }

  private readonly closeHooks: ((sid: string) => void)[] = [];

  /** Runs inside every close of a session (sign-out, a new id, a timeout, an unreadable session). */
  onClose(hook: (sid: string) => void): void {
    this.closeHooks.push(hook);
  }

  /** The same database, for the token ledger and its transactions. */
  get database(): Database.Database {
    return this.db;
  }

  override length(callback: (err: unknown, length?: number) => void): void {
    this.run(callback, () => this.statements.count.get(this.now())?.n ?? 0);
  }

  /** Deletes expired sessions; returns how many. */
  purgeExpired(): number {
    this.statements.purgeClosed.run(this.now());
    return this.statements.purge.run(this.now()).changes;
  }

  /** For readiness probes: true when the database answers. */
  isReachable(): boolean {
    try {
      this.db.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    clearInterval(this.purgeTimer);
    if (this.db.open) this.db.close();
  }

  private run<T>(callback: ((err: unknown, value?: T) => void) | undefined, work: () => T): void {
    let value: T;
    try {
      value = work();
    } catch (error) {
      callback?.(error);
      return;
    }
    callback?.(null, value);
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
