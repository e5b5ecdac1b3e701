import type { Catalog } from '../contract/catalog.js';
import { requireAuth, type SessionHandle } from './auth-state.js';
import type { CloudDirectory } from './cloud-directory.js';
import { isTokenRejected, type TokenAccess } from './token-access.js';

/** The current token's catalog: kept with the session, asked of Keystone when the token had none. */
export class SessionCatalog {
  constructor(
    private readonly clouds: CloudDirectory,
    private readonly access: TokenAccess,
  ) {}

  async read(session: SessionHandle): Promise<Catalog> {
    const auth = requireAuth(session);
    if (auth.catalog) return auth.catalog;
    const cloud = this.clouds.of(auth);
    const catalog = await this.access.withToken(session, isTokenRejected, (token) =>
      cloud.identity.fetchCatalog(token),
    );
    requireAuth(session).catalog = catalog;
    return catalog;
  }
}
