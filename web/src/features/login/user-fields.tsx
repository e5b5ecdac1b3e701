import { TextField } from '../../components/ui/field';
import { useI18n } from '../../lib/i18n/i18n-context';
import type { LoginFieldErrors, LoginFormValues, UpdateLoginField } from './build-login-request';

export interface LoginFieldProps {
  values: LoginFormValues;
  fieldErrors: LoginFieldErrors;
  update: UpdateLoginField;
}

// The user and its domain, written once: asked for a password sign-in and for an application
// credential named by name (with the password between them in the first).

export function UsernameField({ values, fieldErrors, update }: LoginFieldProps) {
  const { t } = useI18n();
  return (
    <TextField
      label={t('login.username')}
      value={values.username}
      onChange={update('username')}
      autoComplete="username"
      error={fieldErrors.username}
    />
  );
}

export function UserDomainField({ values, fieldErrors, update }: LoginFieldProps) {
  const { t } = useI18n();
  return (
    <TextField
      label={t('login.userDomain')}
      value={values.userDomain}
      onChange={update('userDomain')}
      error={fieldErrors.userDomain}
    />
  );
}
