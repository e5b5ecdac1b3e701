import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { CloudSummary } from '@contract/clouds';
import type { CreatedApplicationCredential } from '@contract/credentials';
import type { SessionInfo } from '@contract/session';
import { Button } from '../../components/ui/button';
import { formatLocal, formatUtc } from '../../components/ui/date-time';
import { Notice } from '../../components/ui/notice';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { ConfirmDelete } from './confirm-delete';
import { CreateApplicationCredentialForm } from './create-application-credential-form';
import {
  buildAppCredentialCloudsYaml,
  buildAppCredentialDotenv,
  buildAppCredentialOpenrc,
  buildTerraformProvider,
  tryBuild,
} from './credential-files';
import { applicationCredentialsQueryOptions, useDeleteApplicationCredential } from './queries';
import { SecretOnce } from './secret-once';

const cellClass = 'border-b border-slate-200 px-2 py-1.5 align-top dark:border-slate-700';

export function ApplicationCredentialsSection({
  session,
  cloud,
}: {
  session: SessionInfo;
  cloud: CloudSummary | undefined;
}) {
  const { t, language } = useI18n();
  const list = useQuery(applicationCredentialsQueryOptions());
  const remove = useDeleteApplicationCredential();
  const [isCreating, setCreating] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [created, setCreated] = useState<CreatedApplicationCredential | null>(null);
  const data = list.data;

  return (
    <section aria-labelledby="app-credentials-heading" className="space-y-3">
      <h2 id="app-credentials-heading" ref={headingRef} tabIndex={-1} className="text-lg font-semibold">
        {t('credentials.app.title')}
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">{t('credentials.app.intro')}</p>
      {list.isPending && <p>{t('app.loading')}</p>}
      {list.isError && <Notice tone="error">{describeError(list.error, t)}</Notice>}
      {data?.unavailable && (
        <Notice tone="warning">{t(`credentials.unavailable.${data.unavailable.reason}`)}</Notice>
      )}
      {data && !data.unavailable && (
        <>
          {data.applicationCredentials.length === 0 ? (
            <p className="text-sm">{t('credentials.app.empty')}</p>
          ) : (
            <div>
              <table className="w-full text-left text-sm wrap-anywhere">
                <thead>
                  <tr>
                    <th scope="col" className={cellClass}>
                      {t('credentials.app.name')}
                    </th>
                    <th scope="col" className={cellClass}>
                      {t('credentials.app.project')}
                    </th>
                    <th scope="col" className={cellClass}>
                      {t('credentials.app.roles')}
                    </th>
                    <th scope="col" className={cellClass}>
                      {t('credentials.app.expires')}
                    </th>
                    <th scope="col" className={cellClass}>
                      {t('credentials.app.restrictions')}
                    </th>
                    <th scope="col" className={cellClass}>
                      <span className="sr-only">{t('credentials.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.applicationCredentials.map((credential) => (
                    <tr key={credential.id}>
                      <td className={cellClass}>
                        <span className="font-medium">{credential.name}</span>
                        {credential.description && (
                          <span className="block text-xs text-slate-600 dark:text-slate-400">
                            {credential.description}
                          </span>
                        )}
                        <code className="block text-xs text-slate-600 dark:text-slate-400">
                          {credential.id}
                        </code>
                      </td>
                      <td className={cellClass}>
                        {credential.projectId === session.project?.id
                          ? session.project.name
                          : (credential.projectId ?? t('token.none'))}
                      </td>
                      <td className={cellClass}>{credential.roles.map((role) => role.name).join(', ')}</td>
                      <td className={cellClass}>
                        {credential.expiresAt ? (
                          <span title={formatUtc(credential.expiresAt)}>
                            {formatLocal(credential.expiresAt, language)}
                          </span>
                        ) : (
                          t('credentials.app.never')
                        )}
                      </td>
                      <td className={cellClass}>
                        {credential.unrestricted
                          ? t('credentials.app.unrestricted')
                          : t('credentials.app.restricted')}
                        {credential.accessRules.length > 0 && (
                          <ul className="mt-1 text-xs">
                            {credential.accessRules.map((rule) => (
                              <li key={`${rule.service} ${rule.method} ${rule.path}`}>
                                <code>
                                  {rule.service} {rule.method} {rule.path}
                                </code>
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                      <td className={cellClass}>
                        <ConfirmDelete
                          label={t('credentials.app.deleteLabel', { name: credential.name })}
                          question={t('credentials.app.deleteQuestion', { name: credential.name })}
                          isPending={remove.isPending}
                          onConfirm={() =>
                            remove.mutate(credential.id, {
                              // The row and its buttons go: the keyboard focus lands on the section.
                              onSuccess: () => headingRef.current?.focus(),
                            })
                          }
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {remove.isError && <Notice tone="error">{describeError(remove.error, t)}</Notice>}
          {remove.isSuccess && <Notice tone="success">{t('credentials.deleted')}</Notice>}
          {created && (
            <CreatedApplicationCredentialPanel
              created={created}
              cloud={cloud}
              regionName={session.regionName}
              onDone={() => setCreated(null)}
            />
          )}
          {data.creationBlocked && (
            <Notice tone="info">{t(`credentials.unavailable.${data.creationBlocked.reason}`)}</Notice>
          )}
          {!data.creationBlocked && !created && !isCreating && (
            <Button variant="primary" onClick={() => setCreating(true)}>
              {t('credentials.app.new')}
            </Button>
          )}
          {!data.creationBlocked && isCreating && (
            <CreateApplicationCredentialForm
              roles={session.roles}
              onCreated={(credential) => {
                setCreating(false);
                setCreated(credential);
              }}
              onCancel={() => setCreating(false)}
            />
          )}
        </>
      )}
    </section>
  );
}

function CreatedApplicationCredentialPanel({
  created,
  cloud,
  regionName,
  onDone,
}: {
  created: CreatedApplicationCredential;
  /** Unknown when the cloud list failed: the secret is still shown, the files need the auth URL. */
  cloud: CloudSummary | undefined;
  regionName: string | null;
  onDone: () => void;
}) {
  const { t } = useI18n();
  if (!cloud) {
    return (
      <SecretOnce
        title={t('credentials.app.created', { name: created.name })}
        secretLabel={t('credentials.app.secret')}
        secret={created.secret}
        details={<CreatedId id={created.id} />}
        files={[]}
        onDone={onDone}
      />
    );
  }
  const input = { cloud, regionName, id: created.id, secret: created.secret };
  const safeName = cloud.name.replace(/[^A-Za-z0-9_.-]+/g, '-');
  return (
    <SecretOnce
      title={t('credentials.app.created', { name: created.name })}
      secretLabel={t('credentials.app.secret')}
      secret={created.secret}
      details={<CreatedId id={created.id} />}
      files={[
        {
          key: 'clouds',
          label: t('credentials.download.cloudsYaml'),
          filename: 'clouds.yaml',
          type: 'application/yaml',
          built: tryBuild(() => buildAppCredentialCloudsYaml(input)),
        },
        {
          key: 'openrc',
          label: t('credentials.download.openrc'),
          filename: `${safeName}-app-credential-openrc.sh`,
          type: 'application/x-sh',
          built: tryBuild(() => buildAppCredentialOpenrc(input)),
        },
        {
          key: 'dotenv',
          label: t('credentials.download.dotenv'),
          filename: '.env',
          type: 'text/plain',
          built: tryBuild(() => buildAppCredentialDotenv(input)),
        },
        {
          key: 'terraform',
          label: t('credentials.download.terraform'),
          filename: 'provider.tf',
          type: 'text/plain',
          built: tryBuild(() => buildTerraformProvider(input)),
        },
      ]}
      onDone={onDone}
    />
  );
}

function CreatedId({ id }: { id: string }) {
  const { t } = useI18n();
  return (
    <p className="text-sm">
      {t('credentials.app.id')}: <code data-testid="created-id">{id}</code>
    </p>
  );
}
