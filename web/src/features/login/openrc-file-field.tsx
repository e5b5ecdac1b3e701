import { Notice } from '../../components/ui/notice';
import { useI18n } from '../../lib/i18n/i18n-context';

/** Choose an openrc file to fill the form (read in the browser), and what was read from it. */
export function OpenrcFileField({
  notice,
  onChoose,
}: {
  notice: string | null;
  onChoose: (file: File | undefined) => void;
}) {
  const { t } = useI18n();
  return (
    <div className="space-y-1">
      <label className="block text-sm font-medium" htmlFor="openrc-file">
        {t('login.openrc.label')}
      </label>
      <input
        id="openrc-file"
        type="file"
        accept=".sh,.txt,.rc,text/plain,application/x-sh"
        className="block w-full text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1 dark:file:border-slate-600 dark:file:bg-slate-800 dark:file:text-slate-100"
        aria-describedby="openrc-hint"
        onChange={(event) => {
          onChoose(event.target.files?.[0]);
          // The same file chosen again is read again.
          event.target.value = '';
        }}
      />
      <p id="openrc-hint" className="text-xs text-slate-600 dark:text-slate-400">
        {t('login.openrc.hint')}
      </p>
      {notice && <Notice>{notice}</Notice>}
    </div>
  );
}
