import type { Catalog } from '../contract/catalog.js';
import { requireAuth, type SessionHandle } from './auth-state.js';
import type { CloudDirectory } from './cloud-directory.js';
import { isTokenRejected, type TokenAccess } from './token-access.js';
import type { TokenLedger } from './token-ledger.js';

/**
 * The current token's catalog, for the pages that need it (catalog, networks): kept beside the
 * token's ledger entry, not in the session record that every request reads
 * (docs/decisions/0014-catalog-stored-per-token.md); asked of Keystone when the token had none.
 */
export class SessionCatalog {
  constructor(
    private readonly clouds: CloudDirectory,
    private readonly access: TokenAccess,
    private readonly ledger: TokenLedger,
  ) {}

  async read(session: SessionHandle): Promise<Catalog> {
    const auth = requireAuth(session);
    const kept = (await this.ledger.readCatalog(session.id, auth.current)) ?? auth.catalog;
    if (kept) return kept;
    const cloud = this.clouds.of(auth);
    // withToken may renew first: the catalog is kept for the token it was fetched with.
    const { catalog, entry } = await this.access.withToken(session, isTokenRejected, async (token, used) => ({
      catalog: await cloud.identity.fetchCatalog(token),
      entry: used.current,
    }));
    await this.ledger.keepCatalog(session.id, entry, catalog);
    return catalog;
  }
}
