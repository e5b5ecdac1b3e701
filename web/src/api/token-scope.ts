import type { ProjectRef, TokenScopeInfo } from '@contract/session';

/**
 * The scope of a session or token answer. Servers from before scopes send no `scope`: then the
 * project decides (a project, or unscoped).
 */
export function scopeOf(info: { scope?: TokenScopeInfo | undefined; project: ProjectRef | null }): TokenScopeInfo {
  if (info.scope) return info.scope;
  return info.project ? { kind: 'project', project: info.project } : { kind: 'unscoped' };
}
