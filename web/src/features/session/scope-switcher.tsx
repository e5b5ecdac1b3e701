import { useQuery } from '@tanstack/react-query';
import { sessionQueryOptions } from '../../api/session-queries';
import { scopeOf } from '../../api/token-scope';
import { controlClass } from '../../components/ui/field';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { parseScopeValue, scopesQueryOptions, useSelectScopeMutation } from './scope-queries';

/**
 * The header's scope choice: exactly the projects, domains and system Keystone offers the user.
 * One choice is one re-scope of the session's token (and so of its catalog).
 */
export function ScopeSwitcher() {
  const { t } = useI18n();
  const session = useQuery(sessionQueryOptions());
  const scopes = useQuery(scopesQueryOptions());
  const select = useSelectScopeMutation();
  const current = session.data ? scopeOf(session.data) : { kind: 'unscoped' as const };
  const currentValue =
    current.kind === 'project'
      ? `project:${current.project.id}`
      : current.kind === 'domain'
        ? `domain:${current.domain.id}`
        : current.kind === 'system'
          ? 'system'
          : '';
  // Until the lists arrive (or if they cannot), the current scope alone keeps the control readable.
  const projects =
    scopes.data?.projects ??
    (current.kind === 'project'
      ? [{ id: current.project.id, name: current.project.name, enabled: true }]
      : []);
  const domains =
    scopes.data?.domains ??
    (current.kind === 'domain'
      ? [{ id: current.domain.id, name: current.domain.name ?? current.domain.id, enabled: true }]
      : []);
  const hasSystem = scopes.data?.system ?? current.kind === 'system';
  const optionCount = projects.length + domains.length + (hasSystem ? 1 : 0);
  const hasGroups = domains.length > 0 || hasSystem;
  const projectOptions = projects.map((project) => (
    <option key={project.id} value={`project:${project.id}`} disabled={!project.enabled}>
      {project.name}
    </option>
  ));
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="header-scope" className="text-sm font-medium">
        {t('scope.label')}
      </label>
      <select
        id="header-scope"
        className={`${controlClass} max-w-[14rem]`}
        value={currentValue}
        disabled={select.isPending || optionCount === 0}
        aria-describedby={select.isError ? 'header-scope-error' : undefined}
        onChange={(event) => {
          const request = parseScopeValue(event.target.value);
          if (request) select.mutate(request);
        }}
      >
        {currentValue === '' && <option value="">—</option>}
        {hasGroups
          ? projects.length > 0 && <optgroup label={t('scope.projects')}>{projectOptions}</optgroup>
          : projectOptions}
        {domains.length > 0 && (
          <optgroup label={t('scope.domains')}>
            {domains.map((domain) => (
              <option key={domain.id} value={`domain:${domain.id}`} disabled={!domain.enabled}>
                {t('scope.domainOption', { name: domain.name })}
              </option>
            ))}
          </optgroup>
        )}
        {hasSystem && (
          <optgroup label={t('scope.system')}>
            <option value="system">{t('scope.systemAll')}</option>
          </optgroup>
        )}
      </select>
      {select.isPending && (
        <span className="text-xs" role="status">
          {t('scope.switching')}
        </span>
      )}
      {select.isError && (
        <span id="header-scope-error" role="alert" className="text-xs text-red-700 dark:text-red-400">
          {describeError(select.error, t)}
        </span>
      )}
    </div>
  );
}
