import { useEffect, useState, type ReactNode } from 'react';
import type { InspectionVerdict, TokenInspectionInfo } from '@contract/inspector';
import { describeScope } from '../../api/token-scope';
import { Badge } from '../../components/ui/badge';
import { DateTime } from '../../components/ui/date-time';
import { useI18n } from '../../lib/i18n/i18n-context';
import { DetailsList } from '../../components/ui/details-list';

const verdictTone: Record<InspectionVerdict, 'green' | 'red' | 'amber' | 'slate'> = {
  valid: 'green',
  expired: 'amber',
  revoked: 'red',
  not_accepted: 'amber',
  unknown: 'slate',
  refused: 'red',
};

/** Seconds left, counted down from the answer's own figure (Keystone's clock) on a monotonic clock. */
function useSecondsLeft(secondsLeft: number | undefined, anchor: number): number | undefined {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (secondsLeft === undefined || secondsLeft <= 0) return;
    const timer = setInterval(() => setNow(performance.now()), 1000);
    return () => clearInterval(timer);
  }, [secondsLeft, anchor]);
  if (secondsLeft === undefined) return undefined;
  return Math.max(0, secondsLeft - Math.floor((now - anchor) / 1000));
}

function formatDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  return [hours, minutes, rest].map((part) => String(part).padStart(2, '0')).join(':');
}

export function InspectionResult({
  result,
  receivedAt,
}: {
  result: TokenInspectionInfo;
  receivedAt: number;
}) {
  const { t, language } = useI18n();
  const details = result.details;
  const secondsLeft = useSecondsLeft(details?.secondsLeft, receivedAt);
  const none = t('token.none');
  const localLabel = (time: string) => t('token.localTime', { time });
  const utcLabel = (time: string) => t('token.utcTime', { time });
  const rows: [string, ReactNode][] = [[t('inspector.token'), <code key="p">{result.tokenPreview}</code>]];
  if (details) {
    const credential = details.applicationCredential;
    rows.push(
      [
        t('inspector.timeLeft'),
        <span key="left" role="timer" aria-label={t('inspector.timeLeft')} className="font-mono">
          {formatDuration(secondsLeft ?? 0)}
        </span>,
      ],
      [
        t('token.expires'),
        <DateTime
          key="e"
          iso={details.expiresAt}
          locale={language}
          localLabel={localLabel}
          utcLabel={utcLabel}
        />,
      ],
      [
        t('token.issued'),
        <DateTime
          key="i"
          iso={details.issuedAt}
          locale={language}
          localLabel={localLabel}
          utcLabel={utcLabel}
        />,
      ],
      [t('token.user'), `${details.user.name} (${details.user.id})`],
      [t('token.userDomain'), details.user.domain?.name ?? details.user.domain?.id ?? none],
      [t('scope.detail'), describeScope(details.scope, t)],
      [t('token.roles'), details.roles.map((role) => role.name).join(', ') || none],
      [t('token.methods'), details.methods.join(', ') || none],
      [t('token.auditIds'), details.auditIds.join(', ') || none],
      [
        t('token.applicationCredential'),
        credential ? (credential.name ? `${credential.name} (${credential.id})` : credential.id) : none,
      ],
      [
        t('inspector.catalog'),
        t('inspector.catalogSize', {
          services: details.catalog.services,
          endpoints: details.catalog.endpoints,
        }),
      ],
    );
  }
  return (
    <section
      aria-labelledby="inspection-heading"
      className="space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-700"
    >
      <h2 id="inspection-heading" className="flex flex-wrap items-center gap-2 text-lg font-semibold">
        {t('inspector.result')}{' '}
        <Badge tone={verdictTone[result.verdict]}>{t(`inspector.badge.${result.verdict}`)}</Badge>
      </h2>
      <p role="status" className="text-sm">
        {t(`inspector.verdict.${result.verdict}`)}
      </p>
      {result.keystoneMessage && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {t('inspector.keystoneSaid', { message: result.keystoneMessage })}
        </p>
      )}
      <DetailsList rows={rows} />
    </section>
  );
}
