import { useQuery } from '@tanstack/react-query';
import { cloudsQueryOptions } from '../../api/clouds-queries';
import { sessionQueryOptions } from '../../api/session-queries';
import { Notice } from '../../components/ui/notice';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { ssoErrorMessage } from '../../lib/sso-error-message';
import { useQueryParams } from '../../lib/use-query-params';
import { CopyAsPanel } from './copy-as-panel';
import { CountdownPanel } from './countdown-panel';
import { IssuedTokensList } from './issued-tokens-list';
import { ReissueControls } from './reissue-controls';
import { SsoRenewal } from './sso-renewal';
import { tokenInfoQueryOptions } from './queries';
import { TokenDetails } from './token-details';
import { TokenSecretField } from './token-secret-field';
import { useCountdown } from './use-countdown';

/** The "API access" page, after VK Cloud's tab of the same name (docs seed 000). */
export function TokenPage() {
  const { t } = useI18n();
  const tokenQuery = useQuery(tokenInfoQueryOptions());
  const sessionQuery = useQuery(sessionQueryOptions());
  const cloudsQuery = useQuery(cloudsQueryOptions());
  const token = tokenQuery.data;
  const secondsLeft = useCountdown(
    token
      ? {
          secondsLeft: token.secondsLeft,
          lifetimeSeconds: token.lifetimeSeconds,
          anchoredAtMs: token.receivedAtMs,
        }
      : undefined,
  );
  const cloud = cloudsQuery.data?.clouds.find((c) => c.name === token?.cloud);
  // A "Renew through SSO" that came back refused: the session still holds its earlier token.
  const ssoMessage = ssoErrorMessage(useQueryParams());

  return (
    <main id="main" className="mx-auto w-full max-w-4xl space-y-6 px-4 py-6">
      <div>
        <h1 className="text-2xl font-semibold">{t('token.title')}</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{t('token.intro')}</p>
      </div>
      {ssoMessage && <Notice tone="error">{t(ssoMessage)}</Notice>}
      {tokenQuery.isPending && <p>{t('app.loading')}</p>}
      {tokenQuery.isError && <Notice tone="error">{describeError(tokenQuery.error, t)}</Notice>}
      {token && secondsLeft !== undefined && (
        <>
          <div className="space-y-4 rounded-lg border border-slate-200 p-4 dark:border-slate-700">
            <TokenSecretField key={token.id} />
            <CountdownPanel
              secondsLeft={secondsLeft}
              lifetimeSeconds={token.lifetimeSeconds}
              issuedAt={token.issuedAt}
              expiresAt={token.expiresAt}
            />
            {sessionQuery.data?.signInMethod === 'websso' ? (
              <SsoRenewal cloud={token.cloud} secondsLeft={secondsLeft} />
            ) : (
              <ReissueControls
                tokenId={token.id}
                secondsLeft={secondsLeft}
                needsPassword={sessionQuery.data?.reissueNeedsPassword ?? false}
                needsPasscode={sessionQuery.data?.requiresPasscodeForReissue ?? false}
                isApplicationCredential={Boolean(token.applicationCredential)}
              />
            )}
          </div>
          <TokenDetails token={token} />
          <CopyAsPanel token={token} cloud={cloud} />
          <IssuedTokensList secondsLeftOfCurrent={secondsLeft} />
        </>
      )}
    </main>
  );
}
