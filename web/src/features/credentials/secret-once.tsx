import { useState, type ReactNode } from 'react';
import { Button } from '../../components/ui/button';
import { CopyButton } from '../../components/ui/copy-button';
import { Notice } from '../../components/ui/notice';
import { downloadText } from '../../lib/download-text';
import { useI18n } from '../../lib/i18n/i18n-context';
import type { Built, RefusalReason } from './credential-files';

export interface SecretFile {
  key: string;
  label: string;
  filename: string;
  type: string;
  built: Built;
}

/**
 * A secret shown this once, right after its creation: masked until revealed, copyable, and the
 * files that carry it. It lives in this component's state only: "Done" forgets it for good.
 */
export function SecretOnce({
  title,
  secretLabel,
  secret,
  details,
  files,
  note,
  onDone,
}: {
  title: string;
  secretLabel: string;
  secret: string;
  details: ReactNode;
  files: SecretFile[];
  note?: ReactNode;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const [isRevealed, setRevealed] = useState(false);
  const refusals = files.flatMap((file) =>
    file.built.refusal ? [{ what: file.label, reason: file.built.refusal }] : [],
  );
  return (
    <section
      aria-labelledby="secret-once-heading"
      className="space-y-3 rounded-lg border border-green-300 p-4 dark:border-green-800"
    >
      <h3 id="secret-once-heading" className="font-semibold">
        {title}
      </h3>
      <Notice tone="warning">{t('credentials.secretOnce')}</Notice>
      {details}
      <div className="space-y-1">
        <span className="block text-sm font-medium" id="secret-once-label">
          {secretLabel}
        </span>
        <div className="flex flex-wrap items-center gap-2">
          <code
            aria-labelledby="secret-once-label"
            className="rounded bg-slate-100 px-2 py-1 text-xs break-all dark:bg-slate-900"
            data-testid="created-secret"
          >
            {isRevealed ? secret : '•'.repeat(24)}
          </code>
          <Button onClick={() => setRevealed((shown) => !shown)} aria-pressed={isRevealed}>
            {isRevealed ? t('credentials.hideSecret') : t('credentials.revealSecret')}
          </Button>
          <CopyButton label={t('credentials.copySecret')} getText={() => secret}>
            {t('credentials.copySecret')}
          </CopyButton>
        </div>
      </div>
      {refusals.map(({ what, reason }) => (
        <Notice key={what} tone="warning">
          {t('credentials.fileRefused', { what, reason: t(reasonKey(reason)) })}
        </Notice>
      ))}
      {note}
      <div className="flex flex-wrap gap-2">
        {files.map(
          (file) =>
            file.built.text !== null && (
              <Button
                key={file.key}
                onClick={() => downloadText(file.filename, file.built.text ?? '', file.type)}
              >
                {file.label}
              </Button>
            ),
        )}
      </div>
      <Button variant="primary" onClick={onDone}>
        {t('credentials.done')}
      </Button>
    </section>
  );
}

function reasonKey(reason: RefusalReason) {
  return `credentials.refused.${reason}` as const;
}
