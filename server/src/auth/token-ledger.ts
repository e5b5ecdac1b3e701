import { randomBytes } from 'node:crypto';
import type { Catalog } from '../contract/catalog.js';
import type { LogoutResult } from '../contract/session.js';
import type { IdentityClient, IssuedToken } from '../openstack/keystone/identity-client.js';
import { NotAuthenticatedError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { SecretBox } from '../platform/secret-box.js';
import type { LedgerEntry } from './auth-state.js';

/**
 * Where the ledgers are kept: beside the sessions, in the same store (SQLite or Redis), so that
 * closing a ledger and destroying its session honour one tombstone
 * (docs/decisions/0009-token-ledger.md, 0010-atomic-session-writes.md).
 */
export interface TokenLedgerStore {
  /**
   * Adds an entry, and its token's catalog when there is one, in one atomic step; false when the
   * session is closed (signed out): the token must not live on.
   */
  append(sessionId: string, entry: LedgerEntry, catalog: Catalog | null): Promise<boolean>;
  /**
   * A token's catalog, kept beside its ledger entry and not in the session record: only the pages
   * that need it read it (docs/decisions/0014-catalog-stored-per-token.md). Null when none is kept.
   */
  readCatalog(sessionId: string, tokenId: string): Promise<Catalog | null>;
  /** Keeps a catalog fetched after the token was recorded; false when the session is closed. */
  keepCatalog(sessionId: string, entry: LedgerEntry, catalog: Catalog): Promise<boolean>;
  /** Every entry not yet expired, in no particular order. */
  list(sessionId: string): Promise<LedgerEntry[]>;
  markRevoked(sessionId: string, tokenId: string): Promise<void>;
  /** Closes the session for good (its tombstone), drops its catalogs and takes its entries, atomically. */
  close(sessionId: string): Promise<LedgerEntry[]>;
}

/**
 * The first characters only. A Fernet token starts with its version and issue time (the first 12
 * characters are shared by every token issued in the same second); the next ones are the random
 * IV, which tells tokens apart and is no secret.
 */
const TOKEN_PREVIEW_LENGTH = 16;

/**
 * Every token a session obtained, from issue until it is revoked or has expired at Keystone:
 * sign-out revokes every live one, however many renewals the session made. Entries are added one
 * by one (never by rewriting a list), so concurrent requests of a session cannot lose each other's.
 */
export class TokenLedger {
  constructor(
    private readonly store: TokenLedgerStore,
    private readonly secretBox: SecretBox,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /**
   * Records a token Keystone just issued for the session, with its catalog (kept beside the entry,
   * never in the session record). A token obtained for a session that was
   * signed out meanwhile (a renewal still in flight) is revoked at once and the request ends 401.
   */
  async record(
    sessionId: string,
    issued: IssuedToken,
    receivedAtMs: number,
    identity: IdentityClient,
    catalog: Catalog | null,
  ): Promise<LedgerEntry> {
    // Anchor the lifetime to our clock: Keystone's own span, started at receipt.
    const lifetimeMs = Math.max(0, issued.expiresAt.getTime() - issued.issuedAt.getTime());
    const entry: LedgerEntry = {
      id: randomBytes(8).toString('hex'),
      sealedToken: this.secretBox.seal(issued.token, sessionId),
      tokenPreview: `${issued.token.slice(0, TOKEN_PREVIEW_LENGTH)}…`,
      issuedAtMs: receivedAtMs,
      expiresAtMs: receivedAtMs + lifetimeMs,
      isRevoked: false,
      user: issued.user,
      project: issued.project,
      domain: issued.domain ?? null,
      system: issued.system === true,
      roles: issued.roles,
      methods: issued.methods,
      auditIds: issued.auditIds,
      applicationCredential: issued.applicationCredential,
    };
    let isAppended: boolean;
    try {
      isAppended = await this.store.append(sessionId, entry, catalog);
    } catch (error) {
      // The store failed (Redis away): the token would be recorded nowhere, so it must not live on.
      await identity.revokeToken(issued.token).catch(() => false);
      throw error;
    }
    if (isAppended) return entry;
    const revoked = await identity.revokeToken(issued.token).catch(() => false);
    this.logger.info({ revoked }, 'a token issued after sign-out was revoked at once');
    throw new NotAuthenticatedError('You signed out while this token was being issued; it was revoked.');
  }

  /** The catalog kept for this entry's token, or null. */
  readCatalog(sessionId: string, entry: LedgerEntry): Promise<Catalog | null> {
    return this.store.readCatalog(sessionId, entry.id);
  }

  /** Keeps a catalog fetched later (a token body without one); a closed session keeps nothing. */
  async keepCatalog(sessionId: string, entry: LedgerEntry, catalog: Catalog): Promise<void> {
    await this.store.keepCatalog(sessionId, entry, catalog);
  }

  /** Newest first. */
  async list(sessionId: string): Promise<LedgerEntry[]> {
    const entries = await this.store.list(sessionId);
    return entries.sort((a, b) => b.issuedAtMs - a.issuedAtMs || a.id.localeCompare(b.id));
  }

  /** Revokes one token at Keystone, then marks it; false when Keystone did not confirm. */
  async revoke(sessionId: string, entry: LedgerEntry, identity: IdentityClient): Promise<boolean> {
    const confirmed = await identity.revokeToken(this.secretBox.open(entry.sealedToken, sessionId));
    if (confirmed || !identity.confirmsRevocation) await this.store.markRevoked(sessionId, entry.id);
    return confirmed;
  }

  /**
   * Closes the session's ledger for good and revokes every live token in it. With no identity
   * client (the cloud left clouds.yaml) nothing can be revoked: they are reported as not revoked.
   */
  async closeAndRevoke(sessionId: string, identity: IdentityClient | null): Promise<LogoutResult> {
    const now = this.now();
    const live = (await this.store.close(sessionId)).filter(
      (entry) => !entry.isRevoked && entry.expiresAtMs > now,
    );
    if (!identity || live.length === 0) return { revoked: 0, notRevoked: live.length };
    // One entry that no key opens any more (a secret removed) is one token not revoked, not a
    // sign-out that fails: async, so open() throwing rejects only that entry's promise.
    const outcomes = await Promise.allSettled(
      live.map(async (entry) => identity.revokeToken(this.secretBox.open(entry.sealedToken, sessionId))),
    );
    const revoked = outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value).length;
    if (revoked < live.length)
      this.logger.warn({ notRevoked: live.length - revoked }, 'some tokens were not revoked at sign-out');
    return { revoked, notRevoked: live.length - revoked };
  }
}
