import type { ProjectRef, TokenScopeInfo } from '@contract/session';
import type { Translate } from '../lib/i18n/i18n-context';

/**
 * The scope of a session or token answer. Servers from before scopes send no `scope`: then the
 * project decides (a project, or unscoped).
 */
export function scopeOf(info: {
  scope?: TokenScopeInfo | undefined;
  project: ProjectRef | null;
}): TokenScopeInfo {
  if (info.scope) return info.scope;
  return info.project ? { kind: 'project', project: info.project } : { kind: 'unscoped' };
}

/** One line for a token's scope: "Project demo", "Domain Default (default)", "System (all)". */
export function describeScope(scope: TokenScopeInfo, t: Translate): string {
  if (scope.kind === 'project') return t('scope.detail.project', { name: scope.project.name });
  if (scope.kind === 'domain')
    return t('scope.detail.domain', { name: scope.domain.name ?? scope.domain.id, id: scope.domain.id });
  if (scope.kind === 'system') return t('scope.detail.system');
  return t('scope.detail.unscoped');
}
