import type { TokenScopeInfo } from '../contract/session.js';
import type { TokenScope } from '../openstack/keystone/identity-client.js';
import type { LedgerEntry } from './auth-state.js';

type Scoped = Pick<LedgerEntry, 'project' | 'domain' | 'system'>;

/** The scope to ask Keystone for again (a renewal keeps the token's scope), or null if unscoped. */
export function scopeOf(entry: Scoped): TokenScope | null {
  if (entry.project) return { id: entry.project.id };
  if (entry.domain?.id) return { kind: 'domain', domain: { id: entry.domain.id } };
  if (entry.system) return { kind: 'system' };
  return null;
}

/** The scope as the SPA is told it (GET /api/session, GET /api/token, the inspector). */
export function describeScope(entry: Scoped): TokenScopeInfo {
  if (entry.project) return { kind: 'project', project: entry.project };
  if (entry.domain?.id) return { kind: 'domain', domain: { id: entry.domain.id, name: entry.domain.name } };
  if (entry.system) return { kind: 'system' };
  return { kind: 'unscoped' };
}
