/**
 * The one shape every measure module returns its figures in, so the report only assembles them.
 *
 * A step's result is its own data plus two lists:
 * - `targets`: figures checked against a limit. `kind` is 'ratio' (the value is measured/reference,
 *   e.g. the median of per-pair BFF/Keystone ratios) or 'bound' (the value is the measured figure
 *   itself). `holds` is decided here, once, from `op` and `limit` (and any extra `conditions`).
 * - `reported`: figures shown without a target.
 * Each entry carries its unit, and may carry a `spread` (a lib/stats.mjs summary: p10, p90, n),
 * the `measured` and `reference` figures behind a ratio, and a short `note` built from the result.
 */

const COMPARISONS = {
  '≤': (value, limit) => value <= limit,
  '<': (value, limit) => value < limit,
  '=': (value, limit) => value === limit,
  '≥': (value, limit) => value >= limit,
  '>': (value, limit) => value > limit,
};

const spreadOf = (summary) =>
  summary ? { p10: summary.p10, p90: summary.p90, n: summary.n ?? summary.frames ?? null } : null;

/** A figure with its target; `conditions` are extra checks ({ name, holds }) the target also needs. */
export function target({
  id,
  name,
  kind = 'bound',
  value,
  unit,
  op,
  limit,
  spread = null,
  measured = null,
  reference = null,
  conditions = [],
  note = null,
}) {
  if (!(op in COMPARISONS)) throw new Error(`target ${id}: unknown comparison ${op}`);
  if (kind === 'ratio' && !reference) throw new Error(`target ${id}: a ratio needs its reference`);
  const holds =
    typeof value === 'number' &&
    COMPARISONS[op](value, limit) &&
    conditions.every((condition) => condition.holds);
  return {
    id,
    name,
    kind,
    value,
    unit,
    op,
    limit,
    holds,
    spread: spreadOf(spread),
    measured,
    reference,
    conditions,
    note,
  };
}

/** A figure shown without a target. */
export function reported({ id, name, value, unit, spread = null, note = null }) {
  return { id, name, value, unit, spread: spreadOf(spread), note };
}

/** The target `id` of a step's result (throws when a module asks for one it did not return). */
export function targetOf(result, id) {
  const found = result?.targets?.find((entry) => entry.id === id);
  if (!found) throw new Error(`no target "${id}" in this result`);
  return found;
}

/** "1.086×", "124.1 KiB", "29 rows": a value with its unit. */
export function withUnit(value, unit) {
  if (value === null || value === undefined) return '—';
  if (!unit) return String(value);
  return unit === '×' || unit === '%' ? `${value}${unit}` : `${value} ${unit}`;
}

/** "≤ 1.05×", "< 200 rows". */
export function limitText(entry) {
  return `${entry.op} ${withUnit(entry.limit, entry.unit)}`;
}
