import { useId, useState, type FormEvent } from 'react';
import type { CreateApplicationCredentialRequest, CreatedApplicationCredential } from '@contract/credentials';
import type { RoleRef } from '@contract/session';
import { Button } from '../../components/ui/button';
import { controlClass, TextField } from '../../components/ui/field';
import { Notice } from '../../components/ui/notice';
import { isApiError } from '../../lib/api-client';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { parseAccessRules } from './access-rules';
import { useCreateApplicationCredential } from './queries';

/** The operator's zone, e.g. "Europe/Moscow" (the expiry is entered in it and sent as UTC). */
function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local';
}

function isInFuture(iso: string): boolean {
  return Date.parse(iso) > Date.now();
}

/** `<input type="datetime-local">` gives "2027-01-01T10:00" in the operator's zone. */
export function localInputToUtc(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString().replace(/\.000Z$/, 'Z');
}

export function CreateApplicationCredentialForm({
  roles,
  onCreated,
  onCancel,
}: {
  roles: RoleRef[];
  onCreated: (created: CreatedApplicationCredential) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const create = useCreateApplicationCredential();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [secret, setSecret] = useState('');
  const [expires, setExpires] = useState('');
  const [picked, setPicked] = useState<string[]>(() => roles.map((role) => role.name));
  const [isUnrestricted, setUnrestricted] = useState(false);
  const [rulesText, setRulesText] = useState('');
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const rulesId = useId();
  const unrestrictedId = useId();
  const expiresUtc = localInputToUtc(expires);
  const serverFields = isApiError(create.error) ? (create.error.fields ?? {}) : {};
  const fieldError = (field: string) => localErrors[field] ?? serverFields[field];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (!name.trim()) errors.name = t('credentials.form.nameRequired');
    if (picked.length === 0) errors.roles = t('credentials.form.rolesRequired');
    if (expires && (!expiresUtc || !isInFuture(expiresUtc)))
      errors.expiresAt = t('credentials.form.expiryPast');
    if (secret && secret.length < 8) errors.secret = t('credentials.form.secretShort');
    const parsed = parseAccessRules(rulesText);
    if (parsed.error) {
      errors.accessRules =
        parsed.error.kind === 'syntax'
          ? t('credentials.form.rulesSyntax', { line: parsed.error.line })
          : t('credentials.form.rulesShape', { detail: parsed.error.detail });
    }
    setLocalErrors(errors);
    if (Object.keys(errors).length > 0 || !parsed.rules) return;
    const request: CreateApplicationCredentialRequest = { name: name.trim() };
    if (description.trim()) request.description = description.trim();
    if (secret) request.secret = secret;
    if (expiresUtc) request.expiresAt = expiresUtc;
    if (picked.length !== roles.length) request.roles = picked;
    if (isUnrestricted) request.unrestricted = true;
    if (parsed.rules.length > 0) request.accessRules = parsed.rules;
    create.mutate(request, {
      onSuccess: (created) => {
        setSecret('');
        onCreated(created);
        create.reset();
      },
    });
  };

  return (
    <form
      onSubmit={submit}
      noValidate
      aria-labelledby="create-app-credential-heading"
      className="space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-700"
    >
      <h3 id="create-app-credential-heading" className="font-semibold">
        {t('credentials.app.createTitle')}
      </h3>
      <TextField
        label={t('credentials.form.name')}
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={fieldError('name')}
        required
        maxLength={255}
        autoComplete="off"
      />
      <TextField
        label={t('credentials.form.description')}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        error={fieldError('description')}
        maxLength={255}
        autoComplete="off"
      />
      <TextField
        label={t('credentials.form.secret')}
        hint={t('credentials.form.secretHint')}
        type="password"
        value={secret}
        onChange={(event) => setSecret(event.target.value)}
        error={fieldError('secret')}
        autoComplete="new-password"
      />
      <TextField
        label={t('credentials.form.expires', { zone: localZone() })}
        hint={
          expiresUtc
            ? t('credentials.form.expiresUtc', { time: expiresUtc })
            : t('credentials.form.expiresNever')
        }
        type="datetime-local"
        value={expires}
        onChange={(event) => setExpires(event.target.value)}
        error={fieldError('expiresAt')}
      />
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">{t('credentials.form.roles')}</legend>
        <p className="text-xs text-slate-600 dark:text-slate-400">{t('credentials.form.rolesHint')}</p>
        {roles.map((role) => (
          <label key={role.name} className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={picked.includes(role.name)}
              onChange={(event) =>
                setPicked((current) =>
                  event.target.checked
                    ? [...current, role.name]
                    : current.filter((candidate) => candidate !== role.name),
                )
              }
            />
            {role.name}
          </label>
        ))}
        {fieldError('roles') && (
          <p className="text-xs text-red-700 dark:text-red-400">{fieldError('roles')}</p>
        )}
      </fieldset>
      <div className="space-y-1">
        <label htmlFor={unrestrictedId} className="flex items-center gap-2 text-sm font-medium">
          <input
            id={unrestrictedId}
            type="checkbox"
            checked={isUnrestricted}
            onChange={(event) => setUnrestricted(event.target.checked)}
          />
          {t('credentials.form.unrestricted')}
        </label>
        {isUnrestricted && <Notice tone="warning">{t('credentials.form.unrestrictedWarning')}</Notice>}
      </div>
      <div className="space-y-1">
        <label htmlFor={rulesId} className="block text-sm font-medium">
          {t('credentials.form.accessRules')}
        </label>
        <textarea
          id={rulesId}
          value={rulesText}
          onChange={(event) => setRulesText(event.target.value)}
          rows={4}
          spellCheck={false}
          aria-describedby={`${rulesId}-hint${fieldError('accessRules') ? ` ${rulesId}-error` : ''}`}
          aria-invalid={fieldError('accessRules') ? true : undefined}
          className={`${controlClass} w-full font-mono`}
          placeholder={'- service: network\n  method: GET\n  path: /v2.0/networks'}
        />
        <p id={`${rulesId}-hint`} className="text-xs text-slate-600 dark:text-slate-400">
          {t('credentials.form.accessRulesHint')}
        </p>
        {fieldError('accessRules') && (
          <p id={`${rulesId}-error`} className="text-xs text-red-700 dark:text-red-400">
            {fieldError('accessRules')}
          </p>
        )}
      </div>
      {create.isError && <Notice tone="error">{describeError(create.error, t)}</Notice>}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="primary" disabled={create.isPending}>
          {create.isPending ? t('credentials.creating') : t('credentials.app.create')}
        </Button>
        <Button onClick={onCancel}>{t('credentials.cancel')}</Button>
      </div>
    </form>
  );
}
