import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { CloudSummary } from '@contract/clouds';
import type { CreatedEc2Credential } from '@contract/credentials';
import type { SessionInfo } from '@contract/session';
import { catalogQueryOptions } from '../../api/catalog-queries';
import { Button } from '../../components/ui/button';
import { Notice } from '../../components/ui/notice';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { ConfirmDelete } from './confirm-delete';
import {
  buildAwsConfig,
  buildAwsCredentials,
  buildRcloneRemote,
  findS3Endpoint,
  tryBuild,
} from './credential-files';
import { ec2CredentialsQueryOptions, useCreateEc2Credential, useDeleteEc2Credential } from './queries';
import { SecretOnce } from './secret-once';

export function Ec2CredentialsSection({
  session,
  cloud,
}: {
  session: SessionInfo;
  cloud: CloudSummary | undefined;
}) {
  const { t } = useI18n();
  const list = useQuery(ec2CredentialsQueryOptions());
  const catalog = useQuery(catalogQueryOptions());
  const create = useCreateEc2Credential();
  const remove = useDeleteEc2Credential();
  const [created, setCreated] = useState<CreatedEc2Credential | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const data = list.data;
  const s3Endpoint = catalog.data
    ? findS3Endpoint(catalog.data, session.regionName, cloud?.interface ?? 'public')
    : null;

  return (
    <section aria-labelledby="ec2-credentials-heading" className="space-y-3">
      <h2 id="ec2-credentials-heading" ref={headingRef} tabIndex={-1} className="text-lg font-semibold">
        {t('credentials.ec2.title')}
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">{t('credentials.ec2.intro')}</p>
      {list.isPending && <p>{t('app.loading')}</p>}
      {list.isError && <Notice tone="error">{describeError(list.error, t)}</Notice>}
      {data?.unavailable && (
        <Notice tone="warning">{t(`credentials.unavailable.${data.unavailable.reason}`)}</Notice>
      )}
      {data && !data.unavailable && (
        <>
          {data.ec2Credentials.length === 0 ? (
            <p className="text-sm">{t('credentials.ec2.empty')}</p>
          ) : (
            <ul className="space-y-2" aria-label={t('credentials.ec2.listLabel')}>
              {data.ec2Credentials.map((credential) => (
                <li key={credential.access} className="flex flex-wrap items-center gap-3">
                  <span className="text-sm">
                    {t('credentials.ec2.access')}: <code>{credential.access}</code>
                  </span>
                  <ConfirmDelete
                    label={t('credentials.ec2.deleteLabel', { access: credential.access })}
                    question={t('credentials.ec2.deleteQuestion', { access: credential.access })}
                    isPending={remove.isPending}
                    onConfirm={() =>
                      remove.mutate(credential.access, { onSuccess: () => headingRef.current?.focus() })
                    }
                  />
                </li>
              ))}
            </ul>
          )}
          {remove.isError && <Notice tone="error">{describeError(remove.error, t)}</Notice>}
          {create.isError && <Notice tone="error">{describeError(create.error, t)}</Notice>}
          {created ? (
            <CreatedEc2Panel
              created={created}
              cloudName={session.cloud}
              regionName={session.regionName}
              s3Endpoint={s3Endpoint}
              onDone={() => setCreated(null)}
            />
          ) : (
            <Button
              variant="primary"
              disabled={create.isPending}
              onClick={() =>
                create.mutate(undefined, {
                  onSuccess: (credential) => {
                    setCreated(credential);
                    create.reset();
                  },
                })
              }
            >
              {create.isPending ? t('credentials.creating') : t('credentials.ec2.create')}
            </Button>
          )}
        </>
      )}
    </section>
  );
}

function CreatedEc2Panel({
  created,
  cloudName,
  regionName,
  s3Endpoint,
  onDone,
}: {
  created: CreatedEc2Credential;
  cloudName: string;
  regionName: string | null;
  s3Endpoint: string | null;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const input = { cloudName, regionName, access: created.access, secret: created.secret, s3Endpoint };
  return (
    <SecretOnce
      title={t('credentials.ec2.created')}
      secretLabel={t('credentials.ec2.secret')}
      secret={created.secret}
      details={
        <p className="text-sm">
          {t('credentials.ec2.access')}: <code data-testid="created-access">{created.access}</code>
        </p>
      }
      note={
        <p className="text-sm">
          {s3Endpoint ? t('credentials.ec2.endpoint', { url: s3Endpoint }) : t('credentials.ec2.noEndpoint')}
        </p>
      }
      files={[
        {
          key: 'aws-credentials',
          label: t('credentials.download.awsCredentials'),
          filename: 'credentials',
          type: 'text/plain',
          built: tryBuild(() => buildAwsCredentials(input)),
        },
        {
          key: 'aws-config',
          label: t('credentials.download.awsConfig'),
          filename: 'config',
          type: 'text/plain',
          built: tryBuild(() => buildAwsConfig(input)),
        },
        {
          key: 'rclone',
          label: t('credentials.download.rclone'),
          filename: 'rclone.conf',
          type: 'text/plain',
          built: tryBuild(() => buildRcloneRemote(input)),
        },
      ]}
      onDone={onDone}
    />
  );
}
