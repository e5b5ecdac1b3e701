import { useQuery } from '@tanstack/react-query';
import { sessionQueryOptions } from '../../api/session-queries';
import { controlClass } from '../../components/ui/field';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { projectsQueryOptions, useSelectProjectMutation } from './queries';

/** The header's project choice: switching re-scopes the session's token (and so its catalog). */
export function ProjectSwitcher() {
  const { t } = useI18n();
  const session = useQuery(sessionQueryOptions());
  const projects = useQuery(projectsQueryOptions());
  const select = useSelectProjectMutation();
  const current = session.data?.project;
  // Until the list arrives (or if it cannot), the current project alone keeps the control readable.
  const options =
    projects.data?.projects ??
    (current ? [{ id: current.id, name: current.name, enabled: true, domainId: null }] : []);
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="header-project" className="text-sm font-medium">
        {t('header.project')}
      </label>
      <select
        id="header-project"
        className={`${controlClass} max-w-[12rem]`}
        value={current?.id ?? ''}
        disabled={select.isPending || options.length === 0}
        aria-describedby={select.isError ? 'header-project-error' : undefined}
        onChange={(event) => select.mutate(event.target.value)}
      >
        {!current && <option value="">—</option>}
        {options.map((project) => (
          <option key={project.id} value={project.id} disabled={!project.enabled}>
            {project.name}
          </option>
        ))}
      </select>
      {select.isPending && (
        <span className="text-xs" role="status">
          {t('header.switchingProject')}
        </span>
      )}
      {select.isError && (
        <span id="header-project-error" role="alert" className="text-xs text-red-700 dark:text-red-400">
          {describeError(select.error, t)}
        </span>
      )}
    </div>
  );
}
