import { DateTime } from '../../components/ui/date-time';
import { Notice } from '../../components/ui/notice';
import { useI18n } from '../../lib/i18n/i18n-context';
import { computeRemainingShare, formatHms, getCountdownState } from './countdown';

const barTone = {
  ok: 'bg-green-600 dark:bg-green-500',
  warning: 'bg-amber-500',
  expired: 'bg-red-600',
} as const;

export function CountdownPanel({
  secondsLeft,
  lifetimeSeconds,
  issuedAt,
  expiresAt,
}: {
  secondsLeft: number;
  lifetimeSeconds: number;
  issuedAt: string;
  expiresAt: string;
}) {
  const { t, language } = useI18n();
  const state = getCountdownState(secondsLeft);
  const percent = Math.round(computeRemainingShare(secondsLeft, lifetimeSeconds) * 100);
  const timeLabel = (time: string) => t('token.localTime', { time });
  const utcLabel = (time: string) => t('token.utcTime', { time });

  return (
    <section aria-labelledby="countdown-heading" className="space-y-2" data-state={state}>
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h2 id="countdown-heading" className="text-sm font-medium">
          {t('token.timeLeft')}
        </h2>
        {/* role=timer is not announced on every tick (implicit aria-live off), as it should be. */}
        <span
          role="timer"
          aria-label="Time left"
          className={`font-mono text-3xl tabular-nums ${state === 'ok' ? '' : state === 'warning' ? 'text-amber-700 dark:text-amber-400' : 'text-red-700 dark:text-red-400'}`}
        >
          {formatHms(secondsLeft)}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={t('token.timeLeft')}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-2 w-full overflow-hidden rounded bg-slate-200 dark:bg-slate-700"
      >
        {/* width via the style property (CSSOM), which a strict style-src CSP allows. */}
        <div className={`h-full ${barTone[state]}`} style={{ width: `${percent}%` }} />
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-slate-600 dark:text-slate-400">{t('token.issued')}</dt>
        <dd>
          <DateTime iso={issuedAt} locale={language} localLabel={timeLabel} utcLabel={utcLabel} />
        </dd>
        <dt className="text-slate-600 dark:text-slate-400">{t('token.expires')}</dt>
        <dd>
          <DateTime iso={expiresAt} locale={language} localLabel={timeLabel} utcLabel={utcLabel} />
        </dd>
      </dl>
      {state === 'warning' && <Notice tone="warning">{t('token.warning')}</Notice>}
      {state === 'expired' && <Notice tone="error">{t('token.expired')}</Notice>}
    </section>
  );
}
