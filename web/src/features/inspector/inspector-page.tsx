import { useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { describeScope } from '../../api/token-scope';
import { Button } from '../../components/ui/button';
import { controlClass } from '../../components/ui/field';
import { Notice } from '../../components/ui/notice';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { useQueryParams } from '../../lib/use-query-params';
import { InspectionResult } from './inspection-result';
import { issuedTokensQueryOptions } from '../../api/issued-tokens-queries';
import { useInspectTokenMutation } from './queries';

/**
 * The token inspector: Keystone's own word on a pasted token or one of this session's
 * (POST /api/inspector). The pasted token stays in this component's state only.
 */
export function InspectorPage() {
  const { t } = useI18n();
  const ids = { paste: useId(), pick: useId(), allow: useId(), hint: useId() };
  const tokens = useQuery(issuedTokensQueryOptions());
  const inspect = useInspectTokenMutation();
  const [pasted, setPasted] = useState('');
  // The token page links here with a token's ledger id (never the token) to preselect it.
  const searchParams = useQueryParams();
  const [pickedId, setPickedId] = useState(() => {
    const linked = searchParams.get('tokenId') ?? '';
    return /^[a-z0-9]{8,64}$/.test(linked) ? linked : '';
  });
  const [allowExpired, setAllowExpired] = useState(true);
  const [missing, setMissing] = useState(false);
  const [receivedAt, setReceivedAt] = useState(0);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const token = pasted.trim();
    if (!pickedId && !token) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setReceivedAt(performance.now());
    inspect.mutate(pickedId ? { tokenId: pickedId, allowExpired } : { token, allowExpired }, {
      onSuccess: () => setReceivedAt(performance.now()),
    });
  };

  return (
    <main id="main" className="mx-auto w-full max-w-4xl space-y-6 px-4 py-6">
      <div>
        <h1 className="text-2xl font-semibold">{t('inspector.title')}</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{t('inspector.intro')}</p>
      </div>
      <form className="space-y-4" onSubmit={submit} noValidate>
        <div className="space-y-1">
          <label htmlFor={ids.paste} className="block text-sm font-medium">
            {t('inspector.paste')}
          </label>
          <textarea
            id={ids.paste}
            className={`${controlClass} w-full font-mono`}
            rows={3}
            value={pasted}
            disabled={pickedId !== ''}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={ids.hint}
            onChange={(event) => setPasted(event.target.value)}
          />
          <p id={ids.hint} className="text-xs text-slate-600 dark:text-slate-400">
            {t('inspector.pasteHint')}
          </p>
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.pick} className="block text-sm font-medium">
            {t('inspector.pick')}
          </label>
          <select
            id={ids.pick}
            className={`${controlClass} max-w-full`}
            value={pickedId}
            onChange={(event) => setPickedId(event.target.value)}
          >
            <option value="">{t('inspector.pickNone')}</option>
            {tokens.data?.tokens.map((token) => (
              <option key={token.id} value={token.id}>
                {[
                  token.tokenPreview,
                  token.scope ? describeScope(token.scope, t) : null,
                  token.isCurrent ? t('token.issuedList.current') : null,
                  token.isRevoked ? t('token.issuedList.revoked') : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </option>
            ))}
          </select>
        </div>
        <div className="flex items-center gap-2">
          <input
            id={ids.allow}
            type="checkbox"
            className="h-4 w-4"
            checked={allowExpired}
            onChange={(event) => setAllowExpired(event.target.checked)}
          />
          <label htmlFor={ids.allow} className="text-sm">
            {t('inspector.allowExpired')}
          </label>
        </div>
        <Button type="submit" variant="primary" disabled={inspect.isPending}>
          {inspect.isPending ? t('inspector.inspecting') : t('inspector.inspect')}
        </Button>
      </form>
      {missing && <Notice tone="warning">{t('inspector.needToken')}</Notice>}
      {tokens.isError && <Notice tone="error">{describeError(tokens.error, t)}</Notice>}
      {inspect.isError && <Notice tone="error">{describeError(inspect.error, t)}</Notice>}
      {inspect.data && !inspect.isPending && (
        <InspectionResult result={inspect.data} receivedAt={receivedAt} />
      )}
    </main>
  );
}
