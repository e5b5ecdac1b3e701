import { useQuery } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import type { CloudSummary } from '@contract/clouds';
import type { SessionInfo } from '@contract/session';
import { cloudsQueryOptions } from '../../api/clouds-queries';
import { Button } from '../../components/ui/button';
import { SelectField } from '../../components/ui/field';
import { Notice } from '../../components/ui/notice';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { ssoErrorMessage } from '../../lib/sso-error-message';
import { useQueryParams } from '../../lib/use-query-params';
import type { MessageKey } from '../../lib/i18n/messages';
import { readPreference, writePreference } from '../../lib/preferences';
import { ApplicationCredentialFields } from './application-credential-fields';
import {
  buildLoginRequest,
  emptyLoginForm,
  isApplicationCredentialCloud,
  mapFieldErrors,
  prefillFromCloud,
  type LoginFormValues,
  type UpdateLoginField,
} from './build-login-request';
import { OpenrcFileField } from './openrc-file-field';
import { PasscodeStep } from './passcode-step';
import { PasswordFields } from './password-fields';
import { SsoSignIn } from './sso-sign-in';
import { useSignInMutation } from './queries';
import { RegionField } from './region-field';
import { useOpenrcImport } from './use-openrc-import';

const reasons = ['not_authenticated', 'token_expired', 'signed_out'] as const;

export function LoginPage() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const searchParams = useQueryParams();
  const cloudsQuery = useQuery(cloudsQueryOptions());
  const signIn = useSignInMutation();
  const [values, setValues] = useState<LoginFormValues>(emptyLoginForm);
  // After `mfa_required` the password is done: the second factor's passcode comes next.
  const [step, setStep] = useState<'password' | 'passcode'>('password');
  const [didSecondFactorExpire, setDidSecondFactorExpire] = useState(false);

  const clouds = useMemo(() => cloudsQuery.data?.clouds ?? [], [cloudsQuery.data]);
  const cloud: CloudSummary | undefined = clouds.find((c) => c.name === values.cloud);
  const reason = reasons.find((r) => r === searchParams.get('reason'));
  const ssoMessage = ssoErrorMessage(searchParams);

  // Once the clouds arrive, pick the cloud from the URL (after a lost session), else the last one used.
  // (Adjusting state while rendering, as React recommends over an effect for derived state.)
  if (!values.cloud && clouds.length > 0) {
    const wanted = searchParams.get('cloud') ?? readPreference('lastCloud');
    const initial = clouds.find((c) => c.name === wanted) ?? clouds[0]!;
    const region =
      searchParams.get('region') ??
      (initial.name === readPreference('lastCloud') ? readPreference('lastRegion') : null);
    setValues(prefillFromCloud(initial, region));
  }

  const update: UpdateLoginField = (field) => (event) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  const changeCloud = (name: string) => {
    const next = clouds.find((c) => c.name === name);
    if (next) setValues(prefillFromCloud(next, null));
  };

  const openrcImport = useOpenrcImport({ values, clouds, setValues });

  const enterApp = (session: SessionInfo) => {
    writePreference('lastCloud', session.cloud);
    writePreference('lastRegion', session.regionName ?? (values.region || null));
    navigate(session.project ? '/' : '/projects', { replace: true });
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setDidSecondFactorExpire(false);
    signIn.mutate(buildLoginRequest(values, cloud), {
      onSuccess: enterApp,
      onError: (error) => {
        if (error.code === 'mfa_required') setStep('passcode');
      },
    });
  };

  const startOver = (isExpired: boolean) => {
    signIn.reset();
    setDidSecondFactorExpire(isExpired);
    setStep('password');
  };

  const fieldErrors = mapFieldErrors(signIn.error?.fields);
  const isAppCredential = values.authType === 'application_credential';
  // A cloud that signs in through its identity provider only (auth_type v3websso): no password form.
  const isSsoOnly = cloud?.authType === 'websso';
  // An application credential openrc pasted for a cloud that signs in with a password.
  const isAppCredentialFromOpenrc = isAppCredential && !isApplicationCredentialCloud(cloud);
  const fieldProps = { values, fieldErrors, update };

  return (
    <main id="main" className="mx-auto w-full max-w-lg px-4 py-8">
      <h1 className="text-2xl font-semibold">{t('login.title')}</h1>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{t('login.intro')}</p>

      <div className="mt-4 space-y-2">
        {reason && (
          <Notice tone={reason === 'signed_out' ? 'success' : 'warning'}>
            {t(`login.reason.${reason}` as MessageKey)}
          </Notice>
        )}
        {ssoMessage && <Notice tone="error">{t(ssoMessage)}</Notice>}
        {cloudsQuery.isError && <Notice tone="error">{describeError(cloudsQuery.error, t)}</Notice>}
        {cloudsQuery.isSuccess && clouds.length === 0 && (
          <Notice tone="warning">{t('login.noClouds')}</Notice>
        )}
        {didSecondFactorExpire && <Notice tone="warning">{t('login.passcode.expired')}</Notice>}
        {isAppCredential && step === 'password' && (
          <Notice>
            {t(isAppCredentialFromOpenrc ? 'login.appCredentialOpenrcHint' : 'login.appCredentialHint')}
          </Notice>
        )}
        {cloud?.demo && (
          <Notice>
            <strong>{t('login.demoNotice')}</strong>
            <br />
            {t('login.demoCredentials', { username: cloud.demo.username, password: cloud.demo.password })}
          </Notice>
        )}
      </div>

      {step === 'passcode' ? (
        <PasscodeStep onSignedIn={enterApp} onStartOver={startOver} />
      ) : (
        <form
          className="mt-4 space-y-4 rounded-lg border border-slate-200 p-4 dark:border-slate-700"
          onSubmit={onSubmit}
          {...openrcImport.formHandlers}
          noValidate
        >
          <SelectField
            label={t('login.cloud')}
            value={values.cloud}
            onChange={(event) => changeCloud(event.target.value)}
            error={fieldErrors.cloud}
            required
          >
            {clouds.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </SelectField>
          {cloud?.websso && <SsoSignIn cloud={cloud} websso={cloud.websso} />}
          {cloud?.websso && !isSsoOnly && (
            <p className="text-center text-sm text-slate-600 dark:text-slate-400">{t('sso.or')}</p>
          )}
          {isSsoOnly ? null : isAppCredential ? (
            <ApplicationCredentialFields
              {...fieldProps}
              onUsePassword={
                isAppCredentialFromOpenrc
                  ? () => setValues((current) => ({ ...current, authType: 'password' }))
                  : null
              }
            />
          ) : (
            <PasswordFields {...fieldProps} />
          )}
          {!isSsoOnly && (
            <>
              <RegionField {...fieldProps} regions={cloud?.regions ?? []} />
              <OpenrcFileField notice={openrcImport.notice} onChoose={openrcImport.chooseFile} />

              {signIn.isError && <Notice tone="error">{describeError(signIn.error, t)}</Notice>}

              <Button
                type="submit"
                variant="primary"
                className="w-full"
                disabled={signIn.isPending || !values.cloud}
              >
                {t('login.submit')}
              </Button>
            </>
          )}
        </form>
      )}
    </main>
  );
}
