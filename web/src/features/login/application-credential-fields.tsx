import { Button } from '../../components/ui/button';
import { TextField } from '../../components/ui/field';
import { useI18n } from '../../lib/i18n/i18n-context';
import { UserDomainField, UsernameField, type LoginFieldProps } from './user-fields';

/**
 * An application credential sign-in: by id, or by name with its owner user, and its secret. From
 * an openrc pasted for a cloud that signs in with a password, the cloud's own sign-in stays one
 * click away (`onUsePassword`).
 */
export function ApplicationCredentialFields({
  onUsePassword,
  ...props
}: LoginFieldProps & { onUsePassword: (() => void) | null }) {
  const { t } = useI18n();
  const { values, fieldErrors, update } = props;
  return (
    <>
      {values.applicationCredentialBy === 'name' ? (
        <>
          <TextField
            label={t('login.appCredentialName')}
            value={values.applicationCredentialName}
            onChange={update('applicationCredentialName')}
            error={fieldErrors.applicationCredentialName}
            required
          />
          <UsernameField {...props} />
          <UserDomainField {...props} />
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
      {onUsePassword && (
        // Otherwise the openrc would lock the form out of the cloud's own sign-in until reload.
        <Button variant="ghost" onClick={onUsePassword}>
          {t('login.usePasswordInstead')}
        </Button>
      )}
    </>
  );
}
