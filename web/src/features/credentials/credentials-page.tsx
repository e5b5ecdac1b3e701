import { useQuery } from '@tanstack/react-query';
import { cloudsQueryOptions } from '../../api/clouds-queries';
import { sessionQueryOptions } from '../../api/session-queries';
import { Notice } from '../../components/ui/notice';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { ApplicationCredentialsSection } from './application-credentials-section';
import { Ec2CredentialsSection } from './ec2-credentials-section';

/** Credentials for automation (issue 14): they outlive a token, for scripts, CI jobs and S3 tools. */
export function CredentialsPage() {
  const { t } = useI18n();
  const sessionQuery = useQuery(sessionQueryOptions());
  const cloudsQuery = useQuery(cloudsQueryOptions());
  const session = sessionQuery.data;
  const cloud = cloudsQuery.data?.clouds.find((candidate) => candidate.name === session?.cloud);
  return (
    <main id="main" className="mx-auto w-full max-w-5xl space-y-8 px-4 py-6">
      <div>
        <h1 className="text-2xl font-semibold">{t('credentials.title')}</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{t('credentials.intro')}</p>
      </div>
      {sessionQuery.isError && <Notice tone="error">{describeError(sessionQuery.error, t)}</Notice>}
      {session && (
        <>
          <ApplicationCredentialsSection session={session} cloud={cloud} />
          <Ec2CredentialsSection session={session} cloud={cloud} />
        </>
      )}
    </main>
  );
}
