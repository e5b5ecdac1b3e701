import { useQuery } from '@tanstack/react-query';
import { useLocation } from 'wouter';
import type { SelectScopeRequest } from '@contract/scopes';
import { Button } from '../../components/ui/button';
import { Notice } from '../../components/ui/notice';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { scopesQueryOptions, useSelectScopeMutation } from './scope-queries';

const itemClass =
  'flex flex-wrap items-center justify-between gap-2 rounded-md border border-slate-200 p-3 dark:border-slate-700';

/**
 * After an unscoped login: choose what to scope the token to, among exactly what Keystone offers
 * the user (GET /api/scopes): projects, domains, the system.
 */
export function ProjectPickerPage() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const scopes = useQuery(scopesQueryOptions());
  const select = useSelectScopeMutation();
  const choose = (request: SelectScopeRequest) =>
    select.mutate(request, { onSuccess: () => navigate('/', { replace: true }) });
  const data = scopes.data;
  const isEmpty = data && data.projects.length === 0 && data.domains.length === 0 && !data.system;

  return (
    <main id="main" className="mx-auto w-full max-w-lg space-y-4 px-4 py-8">
      <h1 className="text-2xl font-semibold">{t('scope.pick.title')}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">{t('scope.pick.intro')}</p>
      {scopes.isPending && <p>{t('app.loading')}</p>}
      {scopes.isError && <Notice tone="error">{describeError(scopes.error, t)}</Notice>}
      {select.isError && <Notice tone="error">{describeError(select.error, t)}</Notice>}
      {isEmpty && <Notice tone="warning">{t('scope.pick.none')}</Notice>}
      {data && data.projects.length > 0 && (
        <section aria-labelledby="pick-projects" className="space-y-2">
          <h2 id="pick-projects" className="text-lg font-semibold">
            {t('scope.projects')}
          </h2>
          <ul className="space-y-2">
            {data.projects.map((project) => (
              <li key={project.id} className={itemClass}>
                <span>
                  <span className="font-medium">{project.name}</span>{' '}
                  <span className="font-mono text-xs text-slate-600 dark:text-slate-400">{project.id}</span>{' '}
                  {!project.enabled && <span className="text-xs">({t('projects.disabled')})</span>}
                </span>
                <Button
                  variant="primary"
                  aria-label={`${t('projects.choose')}: ${project.name}`}
                  disabled={select.isPending || !project.enabled}
                  onClick={() => choose({ kind: 'project', projectId: project.id })}
                >
                  {t('projects.choose')}
                </Button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {data && data.domains.length > 0 && (
        <section aria-labelledby="pick-domains" className="space-y-2">
          <h2 id="pick-domains" className="text-lg font-semibold">
            {t('scope.domains')}
          </h2>
          <ul className="space-y-2">
            {data.domains.map((domain) => (
              <li key={domain.id} className={itemClass}>
                <span>
                  <span className="font-medium">{domain.name}</span>{' '}
                  <span className="font-mono text-xs text-slate-600 dark:text-slate-400">{domain.id}</span>{' '}
                  {!domain.enabled && <span className="text-xs">({t('projects.disabled')})</span>}
                </span>
                <Button
                  variant="primary"
                  aria-label={`${t('scope.pick.chooseDomain')}: ${domain.name}`}
                  disabled={select.isPending || !domain.enabled}
                  onClick={() => choose({ kind: 'domain', domainId: domain.id })}
                >
                  {t('scope.pick.chooseDomain')}
                </Button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {data?.system && (
        <section aria-labelledby="pick-system" className="space-y-2">
          <h2 id="pick-system" className="text-lg font-semibold">
            {t('scope.system')}
          </h2>
          <div className={itemClass}>
            <span className="text-sm">{t('scope.pick.systemHint')}</span>
            <Button variant="primary" disabled={select.isPending} onClick={() => choose({ kind: 'system' })}>
              {t('scope.pick.chooseSystem')}
            </Button>
          </div>
        </section>
      )}
    </main>
  );
}
