import { TextField } from '../../components/ui/field';
import { useI18n } from '../../lib/i18n/i18n-context';
import { UserDomainField, UsernameField, type LoginFieldProps } from './user-fields';

/** A password sign-in: the user, the password, and the project to scope the token to. */
export function PasswordFields(props: LoginFieldProps) {
  const { t } = useI18n();
  const { values, fieldErrors, update } = props;
  return (
    <>
      <UsernameField {...props} />
      <TextField
        label={t('login.password')}
        type="password"
        value={values.password}
        onChange={update('password')}
        autoComplete="current-password"
        error={fieldErrors.password}
        required
      />
      <UserDomainField {...props} />
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
  );
}
