import { useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { Button } from '../../components/ui/button';
import { Notice } from '../../components/ui/notice';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { projectsQueryOptions, useSelectProjectMutation } from './queries';

/** After an unscoped login: choose the project to scope the token to. */
export function ProjectPickerPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const projects = useQuery(projectsQueryOptions());
  const select = useSelectProjectMutation();

  return (
    <main id="main" className="mx-auto w-full max-w-lg space-y-4 px-4 py-8">
      <h1 className="text-2xl font-semibold">{t('projects.title')}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">{t('projects.intro')}</p>
      {projects.isPending && <p>{t('app.loading')}</p>}
      {projects.isError && <Notice tone="error">{describeError(projects.error, t)}</Notice>}
      {select.isError && <Notice tone="error">{describeError(select.error, t)}</Notice>}
      {projects.data?.projects.length === 0 && <Notice tone="warning">{t('projects.none')}</Notice>}
      <ul className="space-y-2">
        {projects.data?.projects.map((project) => (
          <li
            key={project.id}
            className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-slate-200 p-3 dark:border-slate-700"
          >
            <span>
              <span className="font-medium">{project.name}</span>{' '}
              <span className="font-mono text-xs text-slate-600 dark:text-slate-400">{project.id}</span>{' '}
              {!project.enabled && <span className="text-xs">({t('projects.disabled')})</span>}
            </span>
            <Button
              variant="primary"
              aria-label={`${t('projects.choose')}: ${project.name}`}
              disabled={select.isPending || !project.enabled}
              onClick={() =>
                select.mutate(project.id, { onSuccess: () => void navigate('/', { replace: true }) })
              }
            >
              {t('projects.choose')}
            </Button>
          </li>
        ))}
      </ul>
    </main>
  );
}
