import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import session from 'express-session';

/**
 * The embedded default session store: one SQLite file in DATA_DIR, so a restart of the BFF signs
 * nobody out. Expired sessions are invisible at once and deleted by a periodic purge.
 * WAL mode lets several BFF processes on one host share the file; for replicas on several hosts
 * use the Redis store.
 */
export class SqliteSessionStore extends session.Store {
  private readonly db: Database.Database;
  private readonly purgeTimer: NodeJS.Timeout;
  private readonly statements;

  constructor(
    readonly file: string,
    options: { defaultTtlMs: number; purgeIntervalMs?: number; now?: () => number },
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
        'CREATE INDEX IF NOT EXISTS sessions_expires ON sessions (expires);',
    );
    this.now = options.now ?? Date.now;
    this.defaultTtlMs = options.defaultTtlMs;
    this.touchGranularityMs = Math.min(60_000, options.defaultTtlMs / 10);
    this.statements = {
      get: this.db.prepare<[string, number], { sess: string }>(
        'SELECT sess FROM sessions WHERE sid = ? AND expires > ?',
      ),
      set: this.db.prepare<[string, string, number]>(
        'INSERT INTO sessions (sid, sess, expires) VALUES (?, ?, ?) ON CONFLICT(sid) DO UPDATE SET sess = excluded.sess, expires = excluded.expires',
      ),
      touch: this.db.prepare<[number, string]>('UPDATE sessions SET expires = ? WHERE sid = ?'),
      destroy: this.db.prepare<[string]>('DELETE FROM sessions WHERE sid = ?'),
      purge: this.db.prepare<[number]>('DELETE FROM sessions WHERE expires <= ?'),
      count: this.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM sessions WHERE expires > ?'),
    };
    this.purgeExpired();
    this.purgeTimer = setInterval(() => this.purgeExpired(), options.purgeIntervalMs ?? 10 * 60_000);
    this.purgeTimer.unref();
  }

  private readonly now: () => number;
  private readonly lastWrittenExpiry = new Map<string, number>();
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

  override set(sid: string, sess: session.SessionData, callback?: (err?: unknown) => void): void {
    const expires = this.expiryOf(sess);
    this.run(callback, () => {
      this.statements.set.run(sid, JSON.stringify(sess), expires);
      this.rememberExpiry(sid, expires);
    });
  }

  /**
   * Rolling sessions touch on every request; a write is only worth it when the expiry moves by
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

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.lastWrittenExpiry.delete(sid);
    this.run(callback, () => void this.statements.destroy.run(sid));
  }

  override length(callback: (err: unknown, length?: number) => void): void {
    this.run(callback, () => this.statements.count.get(this.now())?.n ?? 0);
  }

  /** Deletes expired sessions; returns how many. */
  purgeExpired(): number {
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
