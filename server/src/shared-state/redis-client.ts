import type { createClient } from 'redis';
import { StoreUnavailableError } from '../errors.js';

export type RedisClient = ReturnType<typeof createClient>;

/**
 * A Redis command that fails (Redis down: the client refuses at once, its offline queue being
 * disabled) becomes 503 store_unavailable, like a failing session store, never a 500.
 */
export async function withStoreErrors<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch {
    throw new StoreUnavailableError();
  }
}
