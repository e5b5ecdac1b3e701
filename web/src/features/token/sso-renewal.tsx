import { Link } from 'wouter';
import { ssoStartUrl } from '../../api/sso';
import { buttonClassName } from '../../components/ui/button';
import { Notice } from '../../components/ui/notice';
import { useI18n } from '../../lib/i18n/i18n-context';

/** Below this many seconds left, the notice turns into a warning. */
const ENDING_SOON_SECONDS = 10 * 60;

/**
 * In place of Reissue for a session that came through single sign-on: there is no password to get
 * a new lifetime with (a rescope keeps Keystone's expiry), so a fresh token means another round
 * trip through the identity provider. Scripts are better served by an application credential.
 */
export function SsoRenewal({ cloud, secondsLeft }: { cloud: string; secondsLeft: number }) {
  const { t } = useI18n();
  const isEndingSoon = secondsLeft < ENDING_SOON_SECONDS;
  return (
    <section aria-labelledby="sso-renewal-heading" className="space-y-2">
      <h2 id="sso-renewal-heading" className="text-sm font-medium">
        {t('sso.session.title')}
      </h2>
      <Notice tone={isEndingSoon ? 'warning' : 'info'}>
        {isEndingSoon ? t('sso.session.ending') : t('sso.session.body')}
      </Notice>
      <div className="flex flex-wrap items-center gap-3">
        <a href={ssoStartUrl(cloud)} className={buttonClassName(isEndingSoon ? 'primary' : 'secondary')}>
          {t('sso.session.renew')}
        </a>
        <Link href="/credentials" className="text-sm text-blue-700 underline dark:text-blue-300">
          {t('sso.session.credentialsLink')}
        </Link>
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-400">{t('sso.session.scripts')}</p>
    </section>
  );
}
