import type Database from 'better-sqlite3';
import type { LedgerEntry } from '../auth/auth-state.js';
import type { Catalog } from '../contract/catalog.js';
import type { TokenLedgerStore } from '../auth/token-ledger.js';
import type { SqliteSessionStore } from './sqlite-session-store.js';

/**
 * The token ledgers in the session store's SQLite file: one row per token, never a rewritten
 * list. Appending checks the session's tombstone in the same transaction, and closing writes the
 * tombstone, takes the rows and deletes the session in one: nothing can slip in between.
 *
 * Each token's catalog has a row of its own in `token_catalogs`, written with the entry and gone
 * with it (its expiry) or with the session (any close): the session record stays small, and only
 * the catalog and networks pages read it (docs/decisions/0014-catalog-stored-per-token.md).
 */
export class SqliteTokenLedger implements TokenLedgerStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(private readonly sessions: SqliteSessionStore) {
    this.db = sessions.database;
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS token_ledger (sid TEXT NOT NULL, token_id TEXT NOT NULL, entry TEXT NOT NULL, ' +
        'expires INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (sid, token_id));' +
        'CREATE INDEX IF NOT EXISTS token_ledger_expires ON token_ledger (expires);' +
        'CREATE TABLE IF NOT EXISTS token_catalogs (sid TEXT NOT NULL, token_id TEXT NOT NULL, catalog TEXT NOT NULL, ' +
        'expires INTEGER NOT NULL, PRIMARY KEY (sid, token_id));' +
        'CREATE INDEX IF NOT EXISTS token_catalogs_expires ON token_catalogs (expires);',
    );
    this.statements = {
      isClosed: this.db.prepare<[string], { one: number }>(
        'SELECT 1 AS one FROM closed_sessions WHERE sid = ?',
      ),
      insert: this.db.prepare<[string, string, string, number]>(
        'INSERT OR IGNORE INTO token_ledger (sid, token_id, entry, expires) VALUES (?, ?, ?, ?)',
      ),
      list: this.db.prepare<[string, number], { entry: string; revoked: number }>(
        'SELECT entry, revoked FROM token_ledger WHERE sid = ? AND expires > ?',
      ),
      markRevoked: this.db.prepare<[string, string]>(
        'UPDATE token_ledger SET revoked = 1 WHERE sid = ? AND token_id = ?',
      ),
      take: this.db.prepare<[string], { entry: string; revoked: number }>(
        'SELECT entry, revoked FROM token_ledger WHERE sid = ?',
      ),
      drop: this.db.prepare<[string]>('DELETE FROM token_ledger WHERE sid = ?'),
      purge: this.db.prepare<[number]>('DELETE FROM token_ledger WHERE expires <= ?'),
      keepCatalog: this.db.prepare<[string, string, string, number]>(
        'INSERT OR REPLACE INTO token_catalogs (sid, token_id, catalog, expires) VALUES (?, ?, ?, ?)',
      ),
      readCatalog: this.db.prepare<[string, string, number], { catalog: string }>(
        'SELECT catalog FROM token_catalogs WHERE sid = ? AND token_id = ? AND expires > ?',
      ),
      dropCatalogs: this.db.prepare<[string]>('DELETE FROM token_catalogs WHERE sid = ?'),
      purgeCatalogs: this.db.prepare<[number]>('DELETE FROM token_catalogs WHERE expires <= ?'),
    };
    const { dropCatalogs } = this.statements;
    sessions.onClose((sid) => dropCatalogs.run(sid));
  }

  async append(sessionId: string, entry: LedgerEntry, catalog: Catalog | null): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.statements.isClosed.get(sessionId)) return false;
      this.statements.insert.run(sessionId, entry.id, JSON.stringify(entry), entry.expiresAtMs);
      if (catalog)
        this.statements.keepCatalog.run(sessionId, entry.id, JSON.stringify(catalog), entry.expiresAtMs);
      // Expired rows are of no use to anyone: drop them while writing anyway.
      const now = this.sessions.now();
      this.statements.purge.run(now);
      this.statements.purgeCatalogs.run(now);
      return true;
    })();
  }

  async readCatalog(sessionId: string, tokenId: string): Promise<Catalog | null> {
    const row = this.statements.readCatalog.get(sessionId, tokenId, this.sessions.now());
    return row ? (JSON.parse(row.catalog) as Catalog) : null;
  }

  async keepCatalog(sessionId: string, entry: LedgerEntry, catalog: Catalog): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.statements.isClosed.get(sessionId)) return false;
      this.statements.keepCatalog.run(sessionId, entry.id, JSON.stringify(catalog), entry.expiresAtMs);
      return true;
    })();
  }

  async list(sessionId: string): Promise<LedgerEntry[]> {
    return this.statements.list.all(sessionId, this.sessions.now()).map(toEntry);
  }

  async markRevoked(sessionId: string, tokenId: string): Promise<void> {
    this.statements.markRevoked.run(sessionId, tokenId);
  }

  async close(sessionId: string): Promise<LedgerEntry[]> {
    return this.db.transaction(() => {
      this.sessions.closeSession(sessionId);
      const rows = this.statements.take.all(sessionId);
      this.statements.drop.run(sessionId);
      return rows.map(toEntry);
    })();
  }
}

function toEntry(row: { entry: string; revoked: number }): LedgerEntry {
  const entry = JSON.parse(row.entry) as LedgerEntry;
  return row.revoked ? { ...entry, isRevoked: true } : entry;
}
