import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Button } from '../../components/ui/button';
import { TextField } from '../../components/ui/field';
import { Notice } from '../../components/ui/notice';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { isCompletePasscode, normalizePasscode } from '../../lib/passcode';
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
  needsPasscode = false,
  isApplicationCredential = false,
}: {
  tokenId: string;
  secondsLeft: number;
  /** The server does not keep the password (or the application credential secret). */
  needsPassword: boolean;
  /** The account has a second factor: every reissue needs a fresh TOTP passcode. */
  needsPasscode?: boolean;
  /** Signed in with an application credential: "password" means its secret. */
  isApplicationCredential?: boolean;
}) {
  const { t } = useI18n();
  const reissue = useReissueMutation();
  const [cooldown, startCooldown] = useCooldown();
  const [isAskingPassword, setIsAskingPassword] = useState(false);
  const [password, setPassword] = useState('');
  const [passcode, setPasscode] = useState('');
  // The server may learn of a second factor only at reissue (mfa_required): ask from then on.
  const [didServerAskPasscode, setDidServerAskPasscode] = useState(false);
  const requiresPasscode = needsPasscode || didServerAskPasscode;
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

  const run = (given: { password?: string; passcode?: string } = {}) => {
    reissue.mutate(
      {
        ...(given.password
          ? isApplicationCredential
            ? { applicationCredentialSecret: given.password }
            : { password: given.password }
          : {}),
        ...(given.passcode ? { passcode: given.passcode } : {}),
        ...(revokePrevious ? { revokePrevious: true } : {}),
      },
      {
        onSuccess: () => {
          setIsAskingPassword(false);
          setPassword('');
          setPasscode('');
          setDidReissue(true);
        },
        onError: (error) => {
          // A passcode is good once at most: the next try needs the current one.
          setPasscode('');
          if (error.code === 'rate_limited' && error.retryAfter !== undefined) {
            startCooldown(error.retryAfter);
          }
          if (error.code === 'mfa_required') {
            setDidServerAskPasscode(true);
            setIsAskingPassword(true);
          }
          if (error.code === 'invalid_credentials') {
            passwordFormRef.current
              ?.querySelector<HTMLInputElement>('input[autocomplete="one-time-code"]')
              ?.focus();
          }
        },
      },
    );
  };

  // Auto-regenerate once per token, about two minutes before it expires (VK Cloud does the same
  // while its page is open). Without a kept password, or with a second factor (a passcode is
  // needed each time), it cannot run unattended: it pauses and says why.
  useEffect(() => {
    if (!autoRegenerate || needsPassword || requiresPasscode || reissue.isPending || cooldown > 0) return;
    if (!isDueForAutoReissue(secondsLeft) || autoTriedFor.current === tokenId) return;
    autoTriedFor.current = tokenId;
    run();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- run is recreated each render
  }, [autoRegenerate, needsPassword, requiresPasscode, reissue.isPending, cooldown, secondsLeft, tokenId]);

  const onReissueClick = () => {
    setDidReissue(false);
    if (needsPassword || requiresPasscode) setIsAskingPassword(true);
    else run();
  };

  const isCredentialReady =
    (!needsPassword || password !== '') && (!requiresPasscode || isCompletePasscode(passcode));

  const onPasswordSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!isCredentialReady) return;
    run({
      ...(needsPassword ? { password } : {}),
      ...(requiresPasscode ? { passcode } : {}),
    });
  };

  const isBlocked = reissue.isPending || cooldown > 0;
  const autoHint =
    requiresPasscode && autoRegenerate
      ? t('token.autoPausedPasscode')
      : needsPassword && autoRegenerate
        ? t('token.autoNeedsPassword')
        : t('token.autoRegenerateHint');
  // mfa_required is answered by the passcode field below, not by an error.
  const isErrorShown =
    reissue.isError &&
    !(reissue.error?.code === 'rate_limited' && cooldown > 0) &&
    !(reissue.error?.code === 'mfa_required' && isAskingPassword);
  const errorText =
    reissue.error?.code === 'invalid_credentials' && requiresPasscode
      ? t('token.passcodeWrong')
      : describeError(reissue.error, t);

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
        {autoHint}
      </p>
      <div aria-live="polite">
        {reissue.isPending && <p className="text-sm">{t('token.reissuing')}</p>}
        {cooldown > 0 && <Notice tone="warning">{t('token.cooldown', { seconds: cooldown })}</Notice>}
        {didReissue && !reissue.isPending && reissue.isSuccess && (
          <Notice tone="success">{t('token.reissued')}</Notice>
        )}
      </div>
      {isErrorShown && <Notice tone="error">{errorText}</Notice>}
      {isAskingPassword && (
        <form
          ref={passwordFormRef}
          onSubmit={onPasswordSubmit}
          className="max-w-sm space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-700"
        >
          {needsPassword && (
            <TextField
              label={isApplicationCredential ? t('token.reissueSecret') : t('token.reissuePassword')}
              hint={isApplicationCredential ? t('token.reissueSecretHint') : t('token.reissuePasswordHint')}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
          {requiresPasscode && (
            <TextField
              label={t('token.reissuePasscode')}
              hint={t('token.reissuePasscodeHint')}
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              spellCheck={false}
              value={passcode}
              onChange={(e) => setPasscode(normalizePasscode(e.target.value))}
            />
          )}
          <div className="flex gap-2">
            <Button type="submit" variant="primary" disabled={!isCredentialReady || isBlocked}>
              {requiresPasscode || isApplicationCredential
                ? t('token.reissueVerify')
                : t('token.reissueConfirm')}
            </Button>
            <Button onClick={() => setIsAskingPassword(false)}>{t('token.cancel')}</Button>
          </div>
        </form>
      )}
    </section>
  );
}
