import type { SessionHandle } from '../../auth/auth-state.js';
import type { AuthServices } from '../../auth/create-auth-services.js';
import type { Catalog } from '../../contract/catalog.js';

/** The service catalog of the session's current token, every region and interface. */
export class CatalogService {
  constructor(private readonly auth: AuthServices) {}

  read(session: SessionHandle): Promise<Catalog> {
    return this.auth.catalog.read(session);
  }
}
