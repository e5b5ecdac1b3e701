import { SelectField, TextField } from '../../components/ui/field';
import { useI18n } from '../../lib/i18n/i18n-context';
import type { LoginFieldProps } from './user-fields';

/** The cloud's regions to choose from; a free field when clouds.yaml lists none. */
export function RegionField({
  regions,
  values,
  fieldErrors,
  update,
}: LoginFieldProps & { regions: string[] }) {
  const { t } = useI18n();
  return regions.length > 0 ? (
    <SelectField
      label={t('login.region')}
      value={values.region}
      onChange={update('region')}
      error={fieldErrors.region}
    >
      {regions.map((r) => (
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
  );
}
