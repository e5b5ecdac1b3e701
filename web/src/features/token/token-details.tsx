import type { TokenInfo } from '@contract/token';
import { describeScope, scopeOf } from '../../api/token-scope';
import { useI18n } from '../../lib/i18n/i18n-context';
import { DetailsList } from '../../components/ui/details-list';

export function TokenDetails({ token }: { token: TokenInfo }) {
  const { t } = useI18n();
  const none = t('token.none');
  const rows: [string, string][] = [
    [t('token.user'), `${token.user.name} (${token.user.id})`],
    [t('token.userDomain'), token.user.domain?.name ?? token.user.domain?.id ?? none],
    [t('scope.detail'), describeScope(scopeOf(token), t)],
    [t('token.project'), token.project ? `${token.project.name} (${token.project.id})` : none],
    [t('token.projectDomain'), token.project?.domain?.name ?? token.project?.domain?.id ?? none],
    [t('token.roles'), token.roles.map((r) => r.name).join(', ') || none],
    [t('token.methods'), token.methods.join(', ') || none],
    [t('token.auditIds'), token.auditIds.join(', ') || none],
    [t('token.cloud'), token.cloud],
    [t('token.region'), token.regionName ?? none],
  ];
  // Keystone restricts application credential tokens (by default): say so next to the credential.
  const credential = token.applicationCredential;
  if (credential) {
    rows.push([
      t('token.applicationCredential'),
      credential.name ? `${credential.name} (${credential.id})` : credential.id,
    ]);
    if (credential.restricted !== undefined) {
      rows.push([
        t('token.appCredRestrictions'),
        credential.restricted ? t('token.appCredRestricted') : t('token.appCredUnrestricted'),
      ]);
    }
  }
  return (
    <section aria-labelledby="token-details-heading">
      <h2 id="token-details-heading" className="text-lg font-semibold">
        {t('token.details')}
      </h2>
      <DetailsList rows={rows} className="mt-2" />
    </section>
  );
}
