import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import type { SessionInfo } from '@contract/session';
import { Button } from '../../components/ui/button';
import { TextField } from '../../components/ui/field';
import { Notice } from '../../components/ui/notice';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { isCompletePasscode, normalizePasscode } from '../../lib/passcode';
import { useSecondFactorMutation } from './queries';

/**
 * The second step of a sign-in that answered `mfa_required` (Keystone v3 multi-factor auth): the
 * TOTP passcode. A wrong one may be corrected; an expired sign-in goes back to the password.
 */
export function PasscodeStep({
  onSignedIn,
  onStartOver,
}: {
  onSignedIn: (session: SessionInfo) => void;
  /** Back to the password form; `isExpired` when the server dropped the pending sign-in. */
  onStartOver: (isExpired: boolean) => void;
}) {
  const { t } = useI18n();
  const verify = useSecondFactorMutation();
  const [passcode, setPasscode] = useState('');
  // How many times in a row the operator submitted too few digits (0: the passcode is not flagged).
  const [incompleteSubmits, setIncompleteSubmits] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const focusPasscode = () => formRef.current?.querySelector('input')?.focus();

  // Focus the passcode when the step opens (autofocus, as an effect like the rest of the app).
  useEffect(() => {
    formRef.current?.querySelector('input')?.focus();
  }, []);

  const onChange = (event: ChangeEvent<HTMLInputElement>) => {
    setPasscode(normalizePasscode(event.target.value));
    setIncompleteSubmits(0);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!isCompletePasscode(passcode)) {
      // Only the current problem shows: not also the answer to an earlier wrong passcode.
      verify.reset();
      setIncompleteSubmits((count) => count + 1);
      focusPasscode();
      return;
    }
    verify.mutate(passcode, {
      onSuccess: onSignedIn,
      onError: (error) => {
        if (error.code === 'not_authenticated') {
          onStartOver(true);
          return;
        }
        // A wrong or stale code: clear it for the next one.
        setPasscode('');
        focusPasscode();
      },
    });
  };

  const error = verify.error;
  const errorText = !verify.isError
    ? null
    : error?.code === 'invalid_credentials'
      ? t('login.passcode.wrong')
      : describeError(error, t);

  return (
    <form
      ref={formRef}
      className="mt-4 space-y-4 rounded-lg border border-slate-200 p-4 dark:border-slate-700"
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="passcode-step-heading"
    >
      <div>
        <h2 id="passcode-step-heading" className="text-lg font-semibold">
          {t('login.passcode.title')}
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{t('login.passcode.intro')}</p>
      </div>
      <TextField
        label={t('login.passcode.label')}
        hint={t('login.passcode.hint')}
        value={passcode}
        onChange={onChange}
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]*"
        spellCheck={false}
        error={incompleteSubmits > 0 ? t('login.passcode.incomplete') : undefined}
        required
      />
      {/* The field's own error text is only read when the field gains the focus, and it already has
          it: this copy tells a screen reader at once, again on each submit (a new key re-inserts
          it). Each alert is announced when it is inserted, so no live region wraps them. */}
      {incompleteSubmits > 0 && (
        <p key={incompleteSubmits} role="alert" className="sr-only">
          {t('login.passcode.incomplete')}
        </p>
      )}
      {errorText && <Notice tone="error">{errorText}</Notice>}
      <div className="flex flex-wrap gap-2">
        <Button
          type="submit"
          variant="primary"
          disabled={verify.isPending}
          aria-busy={verify.isPending || undefined}
        >
          {verify.isPending ? t('login.passcode.verifying') : t('login.passcode.verify')}
        </Button>
        <Button onClick={() => onStartOver(false)} disabled={verify.isPending}>
          {t('login.passcode.startOver')}
        </Button>
      </div>
    </form>
  );
}
