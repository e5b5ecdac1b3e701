import { SelectField } from './field';

/** The one region picker (networks, copy-as snippets): regions that offer the service, in catalog order. */
export function RegionPicker({
  label,
  regions,
  region,
  onChoose,
}: {
  label: string;
  regions: readonly string[];
  region: string | null;
  onChoose: (region: string) => void;
}) {
  return (
    <SelectField label={label} value={region ?? ''} onChange={(event) => onChoose(event.target.value)}>
      {regions.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </SelectField>
  );
}
