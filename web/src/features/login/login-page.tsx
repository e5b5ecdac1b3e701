import { useQuery } from '@tanstack/react-query';
import { useMemo, useState, type ClipboardEvent, type DragEvent, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import type { CloudSummary } from '@contract/clouds';
import type { SessionInfo } from '@contract/session';
import { Button } from '../../components/ui/button';
import { SelectField, TextField } from '../../components/ui/field';
import { Notice } from '../../components/ui/notice';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import type { MessageKey } from '../../lib/i18n/messages';
import { readPreference, writePreference } from '../../lib/preferences';
import {
  buildLoginRequest,
  emptyLoginForm,
  isApplicationCredentialCloud,
  mapFieldErrors,
  prefillFromCloud,
  readCredentialMode,
  type LoginFormValues,
} from './build-login-request';
import { detectCredentialKind, looksLikeOpenrc, normalizeAuthUrl, parseOpenrc } from './openrc-parser';
import { PasscodeStep } from './passcode-step';
import { cloudsQueryOptions } from '../../api/clouds-queries';
import { useSignInMutation } from './queries';

/** FileReader rather than Blob.text(): same result, and it also works in older engines and jsdom. */
function readFileAsText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsText(file);
  });
}

const reasons = ['not_authenticated', 'token_expired', 'signed_out'] as const;

export function LoginPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const cloudsQuery = useQuery(cloudsQueryOptions());
  const signIn = useSignInMutation();
  const [values, setValues] = useState<LoginFormValues>(emptyLoginForm);
  const [openrcNotice, setOpenrcNotice] = useState<string | null>(null);
  // After `mfa_required` the password is done: the second factor's passcode comes next.
  const [step, setStep] = useState<'password' | 'passcode'>('password');
  const [didSecondFactorExpire, setDidSecondFactorExpire] = useState(false);

  const clouds = useMemo(() => cloudsQuery.data?.clouds ?? [], [cloudsQuery.data]);
  const cloud: CloudSummary | undefined = clouds.find((c) => c.name === values.cloud);
  const reason = reasons.find((r) => r === searchParams.get('reason'));

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

  const update = (field: keyof LoginFormValues) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  const changeCloud = (name: string) => {
    const next = clouds.find((c) => c.name === name);
    if (next) setValues(prefillFromCloud(next, null));
  };

  const applyOpenrc = (text: string) => {
    const parsed = parseOpenrc(text);
    const kind = detectCredentialKind(parsed);
    const filled: Partial<LoginFormValues> = {};
    let target = cloud;
    let unknownUrl: string | null = null;
    if (parsed.authUrl) {
      const match = clouds.find(
        (c) => normalizeAuthUrl(c.authUrl) === normalizeAuthUrl(parsed.authUrl ?? ''),
      );
      if (match) {
        filled.cloud = match.name;
        target = match;
      } else unknownUrl = parsed.authUrl;
    }
    const user = parsed.username ?? parsed.userId;
    const userDomain = parsed.userDomainName ?? parsed.userDomainId;
    // How the form signs in afterwards; not counted as filled fields.
    let mode: Partial<LoginFormValues> = target ? readCredentialMode(target) : {};
    if (kind === 'application_credential') {
      mode = { authType: 'application_credential' };
      // By id, the owner is Keystone's business; by name, the owner user picks the credential.
      if (parsed.applicationCredentialId) {
        mode.applicationCredentialBy = 'id';
        filled.applicationCredentialId = parsed.applicationCredentialId;
      } else if (parsed.applicationCredentialName) {
        mode.applicationCredentialBy = 'name';
        filled.applicationCredentialName = parsed.applicationCredentialName;
        if (user) filled.username = user;
        if (userDomain) filled.userDomain = userDomain;
      }
      // Held in the form's state only, like a typed secret: sent with the sign-in request, never stored.
      if (parsed.applicationCredentialSecret)
        filled.applicationCredentialSecret = parsed.applicationCredentialSecret;
    } else {
      if (user) filled.username = user;
      if (parsed.password) filled.password = parsed.password;
      if (userDomain) filled.userDomain = userDomain;
      if (parsed.projectId ?? parsed.projectName) filled.project = parsed.projectId ?? parsed.projectName;
      if (parsed.projectDomainName ?? parsed.projectDomainId)
        filled.projectDomain = parsed.projectDomainName ?? parsed.projectDomainId;
    }
    if (parsed.regionName) filled.region = parsed.regionName;
    const count = Object.keys(filled).length;
    if (count === 0) {
      setOpenrcNotice(t('login.openrc.nothing'));
      return;
    }
    // An openrc of another cloud starts from that cloud's defaults, not the previous cloud's fields.
    const otherCloud = target && target.name !== cloud?.name ? target : null;
    setValues((current) => ({
      ...(otherCloud ? prefillFromCloud(otherCloud, null) : current),
      ...mode,
      ...filled,
    }));
    const readKey =
      kind === 'application_credential' ? 'login.openrc.filledAppCredential' : 'login.openrc.filled';
    const read = t(readKey, { count });
    setOpenrcNotice(unknownUrl ? `${read} ${t('login.openrc.unknownCloud', { url: unknownUrl })}` : read);
  };

  const readOpenrcFile = async (file: File | undefined) => {
    // Bounded: an openrc is a few hundred bytes; never read something huge into memory.
    if (!file || file.size > 64 * 1024) return;
    try {
      applyOpenrc(await readFileAsText(file));
    } catch {
      setOpenrcNotice(t('login.openrc.nothing'));
    }
  };

  const onPaste = (event: ClipboardEvent<HTMLFormElement>) => {
    const text = event.clipboardData.getData('text/plain');
    if (!looksLikeOpenrc(text)) return; // an ordinary paste into a field
    event.preventDefault();
    applyOpenrc(text);
  };

  const onDrop = (event: DragEvent<HTMLFormElement>) => {
    event.preventDefault();
    void readOpenrcFile(event.dataTransfer.files[0]);
  };

  const enterApp = (session: SessionInfo) => {
    writePreference('lastCloud', session.cloud);
    writePreference('lastRegion', session.regionName ?? (values.region || null));
    void navigate(session.project ? '/' : '/projects', { replace: true });
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
  const regionOptions = cloud?.regions ?? [];
  const isAppCredential = values.authType === 'application_credential';
  // A credential named by name (not id), in clouds.yaml or an openrc, needs its user too.
  const isAppCredentialByName = isAppCredential && values.applicationCredentialBy === 'name';
  // An application credential openrc pasted for a cloud that signs in with a password.
  const isAppCredentialFromOpenrc = isAppCredential && !isApplicationCredentialCloud(cloud);

  // The user and its domain: asked for a password sign-in and for a credential named by name.
  const usernameField = (
    <TextField
      label={t('login.username')}
      value={values.username}
      onChange={update('username')}
      autoComplete="username"
      error={fieldErrors.username}
    />
  );
  const userDomainField = (
    <TextField
      label={t('login.userDomain')}
      value={values.userDomain}
      onChange={update('userDomain')}
      error={fieldErrors.userDomain}
    />
  );

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
          onPaste={onPaste}
          onDragOver={(event) => event.preventDefault()}
          onDrop={onDrop}
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
          {isAppCredential ? (
            <>
              {isAppCredentialByName ? (
                <>
                  <TextField
                    label={t('login.appCredentialName')}
                    value={values.applicationCredentialName}
                    onChange={update('applicationCredentialName')}
                    error={fieldErrors.applicationCredentialName}
                    required
                  />
                  {usernameField}
                  {userDomainField}
                </>
              ) : (
                <TextField
                  label={t('login.appCredentialId')}
                  value={values.applicationCredentialId}
                  onChange={update('applicationCredentialId')}
                  autoComplete="username"
                  spellCheck={false}
                  error={fieldErrors.applicationCredentialId}
                  required
                />
              )}
              <TextField
                label={t('login.appCredentialSecret')}
                type="password"
                value={values.applicationCredentialSecret}
                onChange={update('applicationCredentialSecret')}
                autoComplete="current-password"
                error={fieldErrors.applicationCredentialSecret}
                required
              />
              {isAppCredentialFromOpenrc && (
                // Otherwise the openrc would lock the form out of the cloud's own sign-in until reload.
                <Button
                  variant="ghost"
                  onClick={() => setValues((current) => ({ ...current, authType: 'password' }))}
                >
                  {t('login.usePasswordInstead')}
                </Button>
              )}
            </>
          ) : (
            <>
              {usernameField}
              <TextField
                label={t('login.password')}
                type="password"
                value={values.password}
                onChange={update('password')}
                autoComplete="current-password"
                error={fieldErrors.password}
                required
              />
              {userDomainField}
              <TextField
                label={t('login.project')}
                value={values.project}
                onChange={update('project')}
                hint={t('login.projectHint')}
                error={fieldErrors.project}
              />
              <TextField
                label={t('login.projectDomain')}
                value={values.projectDomain}
                onChange={update('projectDomain')}
                error={fieldErrors.projectDomain}
              />
            </>
          )}
          {regionOptions.length > 0 ? (
            <SelectField
              label={t('login.region')}
              value={values.region}
              onChange={update('region')}
              error={fieldErrors.region}
            >
              {regionOptions.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </SelectField>
          ) : (
            <TextField
              label={t('login.region')}
              value={values.region}
              onChange={update('region')}
              placeholder={t('login.regionAny')}
              error={fieldErrors.region}
            />
          )}

          <div className="space-y-1">
            <label className="block text-sm font-medium" htmlFor="openrc-file">
              {t('login.openrc.label')}
            </label>
            <input
              id="openrc-file"
              type="file"
              accept=".sh,.txt,.rc,text/plain,application/x-sh"
              className="block w-full text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1 dark:file:border-slate-600 dark:file:bg-slate-800 dark:file:text-slate-100"
              aria-describedby="openrc-hint"
              onChange={(event) => {
                void readOpenrcFile(event.target.files?.[0]);
                event.target.value = '';
              }}
            />
            <p id="openrc-hint" className="text-xs text-slate-600 dark:text-slate-400">
              {t('login.openrc.hint')}
            </p>
            {openrcNotice && <Notice>{openrcNotice}</Notice>}
          </div>

          {signIn.isError && <Notice tone="error">{describeError(signIn.error, t)}</Notice>}

          <Button
            type="submit"
            variant="primary"
            className="w-full"
            disabled={signIn.isPending || !values.cloud}
          >
            {t('login.submit')}
          </Button>
        </form>
      )}
    </main>
  );
}
