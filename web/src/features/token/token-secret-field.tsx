import { useState } from 'react';
import { Button } from '../../components/ui/button';
import { CopyButton, CopyIcon } from '../../components/ui/copy-button';
import { Notice } from '../../components/ui/notice';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { fetchTokenSecret } from './queries';

/**
 * The token, masked until revealed. The secret is fetched on reveal or copy and lives only in this
 * component's state while shown; hiding it forgets it, and the page remounts this component (key)
 * for a new token, which forgets it too.
 */
export function TokenSecretField() {
  const { t } = useI18n();
  const [secret, setSecret] = useState<string | null>(null);
  const [isLoading, setIsLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const toggle = async () => {
    if (secret !== null) {
      setSecret(null);
      return;
    }
    setIsLoading(true);
    setError(null);
    try {
      setSecret(await fetchTokenSecret());
    } catch (caught) {
      setError(caught);
    } finally {
      setIsLoading(false);
    }
  };

  return (
    <div className="space-y-2">
      <p id="token-label" className="text-sm font-medium">
        {t('token.label')}
      </p>
      {/* The label names the group: a <code> element may not carry a name of its own (ARIA). */}
      <div role="group" aria-labelledby="token-label" className="flex flex-wrap items-center gap-2">
        <code
          id="token-value"
          className="w-full min-w-0 rounded-md sm:w-auto sm:flex-1 border border-slate-300 bg-slate-50 px-2 py-1.5 font-mono text-sm break-all dark:border-slate-600 dark:bg-slate-900"
          data-testid="token-value"
        >
          {secret ?? <span aria-hidden="true">{'•'.repeat(32)}</span>}
        </code>
        <Button onClick={() => void toggle()} disabled={isLoading} aria-controls="token-value">
          {secret !== null ? t('token.hide') : t('token.reveal')}
        </Button>
        <CopyButton label={t('token.copy')} variant="primary" getText={() => secret ?? fetchTokenSecret()}>
          <CopyIcon />
          {t('token.copy')}
        </CopyButton>
      </div>
      {error !== null && <Notice tone="error">{describeError(error, t)}</Notice>}
    </div>
  );
}
