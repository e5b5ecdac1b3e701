import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { describeScope } from '../../api/token-scope';
import { focusRing } from '../../components/ui/button';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { DateTime } from '../../components/ui/date-time';
import { Notice } from '../../components/ui/notice';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { issuedTokensQueryOptions } from '../../api/issued-tokens-queries';
import { useRevokeTokenMutation } from './queries';

export function IssuedTokensList({ secondsLeftOfCurrent }: { secondsLeftOfCurrent: number }) {
  const { t, language } = useI18n();
  const query = useQuery(issuedTokensQueryOptions());
  const revoke = useRevokeTokenMutation();
  const localLabel = (time: string) => t('token.localTime', { time });
  const utcLabel = (time: string) => t('token.utcTime', { time });
  // Expiry of other tokens is judged against the current token's clock, which is the BFF's.
  const isPast = (iso: string, currentExpiresAt: string | undefined) =>
    currentExpiresAt !== undefined &&
    Date.parse(iso) <= Date.parse(currentExpiresAt) - secondsLeftOfCurrent * 1000;
  const current = query.data?.tokens.find((token) => token.isCurrent);

  return (
    <section aria-labelledby="issued-heading" className="space-y-2">
      <h2 id="issued-heading" className="text-lg font-semibold">
        {t('token.issuedList')}
      </h2>
      {query.isError && <Notice tone="error">{describeError(query.error, t)}</Notice>}
      {revoke.isError && <Notice tone="error">{describeError(revoke.error, t)}</Notice>}
      {query.data && query.data.tokens.length === 0 && (
        <p className="text-sm">{t('token.issuedList.empty')}</p>
      )}
      {query.data && query.data.tokens.length > 0 && (
        // relative: the sr-only header and the date tooltips are absolutely positioned; without a
        // positioned scroll box they escape its clipping and widen the whole page on a phone.
        <div className="relative overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 dark:border-slate-700">
                <th scope="col" className="py-1 pr-3">
                  {t('token.issuedList.token')}
                </th>
                <th scope="col" className="py-1 pr-3">
                  {t('scope.detail')}
                </th>
                <th scope="col" className="py-1 pr-3">
                  {t('token.issuedList.issued')}
                </th>
                <th scope="col" className="py-1 pr-3">
                  {t('token.issuedList.expires')}
                </th>
                <th scope="col" className="py-1 pr-3">
                  {t('token.issuedList.status')}
                </th>
                <th scope="col" className="py-1">
                  <span className="sr-only">{t('token.issuedList.revoke')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {query.data.tokens.map((token) => {
                const isExpired = isPast(token.expiresAt, current?.expiresAt);
                return (
                  <tr key={token.id} className="border-b border-slate-100 dark:border-slate-800">
                    <td className="py-1 pr-3 font-mono">{token.tokenPreview}</td>
                    {/* Every switch is a token of its own: the list shows which scope each has. */}
                    <td className="py-1 pr-3">{token.scope ? describeScope(token.scope, t) : '—'}</td>
                    <td className="py-1 pr-3">
                      <DateTime
                        iso={token.issuedAt}
                        locale={language}
                        localLabel={localLabel}
                        utcLabel={utcLabel}
                      />
                    </td>
                    <td className="py-1 pr-3">
                      <DateTime
                        iso={token.expiresAt}
                        locale={language}
                        localLabel={localLabel}
                        utcLabel={utcLabel}
                      />
                    </td>
                    <td className="space-x-1 py-1 pr-3">
                      {token.isCurrent && <Badge tone="blue">{t('token.issuedList.current')}</Badge>}
                      {token.isRevoked ? (
                        <Badge tone="red">{t('token.issuedList.revoked')}</Badge>
                      ) : isExpired ? (
                        <Badge tone="amber">{t('token.issuedList.expired')}</Badge>
                      ) : (
                        <Badge tone="green">{t('token.issuedList.valid')}</Badge>
                      )}
                    </td>
                    <td className="space-x-2 py-1 whitespace-nowrap">
                      {/* The token's ledger id in the URL, never the token itself. */}
                      <Link
                        href={`/inspector?tokenId=${encodeURIComponent(token.id)}`}
                        aria-label={t('inspector.inspectLabel', { preview: token.tokenPreview })}
                        className={`rounded text-sm text-blue-700 underline dark:text-blue-300 ${focusRing}`}
                      >
                        {t('inspector.inspect')}
                      </Link>
                      {!token.isRevoked && (
                        <Button
                          variant="danger"
                          aria-label={t('token.issuedList.revokeLabel', { preview: token.tokenPreview })}
                          disabled={revoke.isPending && revoke.variables === token.id}
                          onClick={() => revoke.mutate(token.id)}
                        >
                          {t('token.issuedList.revoke')}
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
