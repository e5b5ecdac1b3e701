import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Button } from '../../components/ui/button';
import { TextField } from '../../components/ui/field';
import { Notice } from '../../components/ui/notice';
import { isApiError } from '../../lib/api-client';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { isDueForAutoReissue } from './countdown';
import { useReissueMutation } from './queries';

/** Seconds until a cooldown deadline (monotonic ms), ticking once a second while it runs. */
function useCooldown(): [number, (seconds: number) => void] {
  const [cooldown, setCooldown] = useState<{ until: number; left: number } | null>(null);
  const until = cooldown?.until;
  useEffect(() => {
    if (until === undefined) return;
    const timer = setInterval(() => {
      const left = Math.max(0, Math.ceil((until - performance.now()) / 1000));
      setCooldown(
        left === 0 ? null : (current) => (current && current.left !== left ? { until, left } : current),
      );
    }, 250);
    return () => clearInterval(timer);
  }, [until]);
  const start = useCallback(
    (seconds: number) => setCooldown({ until: performance.now() + seconds * 1000, left: seconds }),
    [],
  );
  return [cooldown?.left ?? 0, start];
}

export function ReissueControls({
  tokenId,
  secondsLeft,
  needsPassword,
}: {
  tokenId: string;
  secondsLeft: number;
  needsPassword: boolean;
}) {
  const { t } = useI18n();
  const reissue = useReissueMutation();
  const [cooldown, startCooldown] = useCooldown();
  const [isAskingPassword, setIsAskingPassword] = useState(false);
  const [password, setPassword] = useState('');
  const [revokePrevious, setRevokePrevious] = useState(false);
  const [autoRegenerate, setAutoRegenerate] = useState(true);
  const [didReissue, setDidReissue] = useState(false);
  const autoTriedFor = useRef<string | null>(null);
  const autoId = useId();
  const passwordFormRef = useRef<HTMLFormElement>(null);
  // Move focus to the password the moment it is asked for (instead of autoFocus).
  useEffect(() => {
    if (isAskingPassword) passwordFormRef.current?.querySelector('input')?.focus();
  }, [isAskingPassword]);

  const run = (withPassword?: string) => {
    reissue.mutate(
      {
        ...(withPassword ? { password: withPassword } : {}),
        ...(revokePrevious ? { revokePrevious: true } : {}),
      },
      {
        onSuccess: () => {
          setIsAskingPassword(false);
          setPassword('');
          setDidReissue(true);
        },
        onError: (error) => {
          if (isApiError(error) && error.code === 'rate_limited' && error.retryAfter !== undefined) {
            startCooldown(error.retryAfter);
          }
        },
      },
    );
  };

  // Auto-regenerate once per token, about two minutes before it expires (VK Cloud does the same
  // while its page is open). Without a kept password it cannot run unattended.
  useEffect(() => {
    if (!autoRegenerate || needsPassword || reissue.isPending || cooldown > 0) return;
    if (!isDueForAutoReissue(secondsLeft) || autoTriedFor.current === tokenId) return;
    autoTriedFor.current = tokenId;
    run();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- run is recreated each render
  }, [autoRegenerate, needsPassword, reissue.isPending, cooldown, secondsLeft, tokenId]);

  const onReissueClick = () => {
    setDidReissue(false);
    if (needsPassword) setIsAskingPassword(true);
    else run();
  };

  const onPasswordSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (password) run(password);
  };

  const isBlocked = reissue.isPending || cooldown > 0;

  return (
    <section className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <Button
          variant="primary"
          onClick={onReissueClick}
          disabled={isBlocked}
          aria-busy={reissue.isPending || undefined}
        >
          {t('token.reissue')}
        </Button>
        <label className="inline-flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={revokePrevious}
            onChange={(e) => setRevokePrevious(e.target.checked)}
            className="size-4"
          />
          {t('token.revokePrevious')}
        </label>
        <label className="inline-flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            role="switch"
            aria-checked={autoRegenerate}
            checked={autoRegenerate}
            onChange={(e) => setAutoRegenerate(e.target.checked)}
            aria-describedby={autoId}
            className="size-4"
          />
          {t('token.autoRegenerate')}
        </label>
      </div>
      <p id={autoId} className="text-xs text-slate-600 dark:text-slate-400">
        {needsPassword && autoRegenerate ? t('token.autoNeedsPassword') : t('token.autoRegenerateHint')}
      </p>
      <div aria-live="polite">
        {reissue.isPending && <p className="text-sm">{t('token.reissuing')}</p>}
        {cooldown > 0 && <Notice tone="warning">{t('token.cooldown', { seconds: cooldown })}</Notice>}
        {didReissue && !reissue.isPending && reissue.isSuccess && (
          <Notice tone="success">{t('token.reissued')}</Notice>
        )}
      </div>
      {reissue.isError &&
        !(isApiError(reissue.error) && reissue.error.code === 'rate_limited' && cooldown > 0) && (
          <Notice tone="error">{describeError(reissue.error, t)}</Notice>
        )}
      {isAskingPassword && (
        <form
          ref={passwordFormRef}
          onSubmit={onPasswordSubmit}
          className="max-w-sm space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-700"
        >
          <TextField
            label={t('token.reissuePassword')}
            hint={t('token.reissuePasswordHint')}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <div className="flex gap-2">
            <Button type="submit" variant="primary" disabled={!password || isBlocked}>
              {t('token.reissueConfirm')}
            </Button>
            <Button onClick={() => setIsAskingPassword(false)}>{t('token.cancel')}</Button>
          </div>
        </form>
      )}
    </section>
  );
}
