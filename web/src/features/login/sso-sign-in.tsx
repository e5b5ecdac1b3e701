import type { CloudSummary } from '@contract/clouds';
import { ssoStartUrl } from '../../api/sso';
import { buttonClassName } from '../../components/ui/button';
import { useI18n } from '../../lib/i18n/i18n-context';

/**
 * "Sign in with ‹label›" for a cloud that offers Keystone WebSSO: a link, so the browser navigates
 * (the BFF's start sends it on to Keystone and the identity provider). What can go wrong at
 * Keystone happens there, in this tab, so it is explained before the click.
 */
export function SsoSignIn({ cloud, websso }: { cloud: CloudSummary; websso: { label: string } }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="sso-heading" className="space-y-2">
      <h2 id="sso-heading" className="sr-only">
        {t('sso.signIn', { label: websso.label })}
      </h2>
      <a href={ssoStartUrl(cloud.name)} className={buttonClassName('primary', 'w-full')}>
        {t('sso.signIn', { label: websso.label })}
      </a>
      <p className="text-sm text-slate-600 dark:text-slate-400">{t('sso.intro')}</p>
      <p className="text-sm text-slate-600 dark:text-slate-400">{t('sso.keystoneError')}</p>
    </section>
  );
}
