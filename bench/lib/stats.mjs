/** Order statistics for the bench: nearest-rank on a sorted copy, so tiny samples stay honest. */

export function quantile(values, q) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}

export function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median, p10–p90, min–max, n: the shape every timing in results.json has. */
export function summarize(values, digits = 2) {
  const round = (value) => (value === null ? null : Number(value.toFixed(digits)));
  return {
    n: values.length,
    median: round(median(values)),
    p10: round(quantile(values, 0.1)),
    p90: round(quantile(values, 0.9)),
    p95: round(quantile(values, 0.95)),
    min: round(values.length ? Math.min(...values) : null),
    max: round(values.length ? Math.max(...values) : null),
  };
}

/**
 * `measure`, taken again once when it fails before any work was done upstream: a pooled keep-alive
 * socket the server closed at that moment ("fetch failed"), or an upstream 502/503/504 on a loaded
 * shared lab (error.isRetryable). `onRetry` counts it, so the report can say how many there were.
 */
function retriedOnce(measure, onRetry) {
  return async () => {
    try {
      return await measure();
    } catch (error) {
      if (!(error instanceof TypeError && error.message === 'fetch failed') && !error?.isRetryable)
        throw error;
      onRetry();
      return measure();
    }
  };
}

/**
 * Runs `pairs` alternating pairs of two measured calls (A first on even pairs, B first on odd
 * ones, so neither side always gets the warmer cache), after `warmup` unrecorded pairs.
 * Each call returns its own duration in ms (so per-call setup stays outside the timing).
 * The ratio is taken per pair, then its median: robust against a slow moment hitting one pair.
 */
export async function runAlternatingPairs({ warmup, pairs, runA: measureA, runB: measureB }) {
  let retries = 0;
  const retried = (measure) => retriedOnce(measure, () => (retries += 1));
  const runA = retried(measureA);
  const runB = retried(measureB);
  for (let i = 0; i < warmup; i += 1) {
    await runA();
    await runB();
  }
  const a = [];
  const b = [];
  const ratios = [];
  for (let i = 0; i < pairs; i += 1) {
    let msA;
    let msB;
    if (i % 2 === 0) {
      msA = await runA();
      msB = await runB();
    } else {
      msB = await runB();
      msA = await runA();
    }
    a.push(msA);
    b.push(msB);
    ratios.push(msA / msB);
  }
  return {
    a: summarize(a),
    b: summarize(b),
    ratio: summarize(ratios, 3),
    medianRatioOfMedians: Number((median(a) / median(b)).toFixed(3)),
    retries,
  };
}

/** Times one async call in ms with the monotonic clock. */
export async function timeMs(work) {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Like runAlternatingPairs for more than two sides: each round runs every side once, the order
 * rotating from round to round (so no side always goes first), after `warmup` unrecorded rounds.
 * `runs` maps a side's name to a call returning its own duration in ms; every side's ratio is taken
 * per round against the `reference` side, then its median.
 */
export async function runAlternatingRounds({ warmup, rounds, runs, reference }) {
  const names = Object.keys(runs);
  if (!names.includes(reference)) throw new Error(`no side named ${reference}`);
  let retries = 0;
  const retried = (measure) => retriedOnce(measure, () => (retries += 1));
  const calls = Object.fromEntries(names.map((name) => [name, retried(runs[name])]));
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = -warmup; round < rounds; round += 1) {
    const shift = ((round % names.length) + names.length) % names.length;
    const order = [...names.slice(shift), ...names.slice(0, shift)];
    const times = {};
    for (const name of order) times[name] = await calls[name]();
    if (round >= 0) for (const name of names) samples[name].push(times[name]);
  }
  return {
    sides: Object.fromEntries(names.map((name) => [name, summarize(samples[name])])),
    ratios: Object.fromEntries(
      names
        .filter((name) => name !== reference)
        .map((name) => [name, ratioOfSamples(samples[name], samples[reference])]),
    ),
    /** The raw durations per side, in round order (for further per-round ratios; not stored). */
    samples,
    retries,
  };
}

/** Per-round ratios of two sides' samples (same rounds), summarized like every ratio. */
export function ratioOfSamples(measured, reference) {
  return summarize(
    measured.map((value, i) => value / reference[i]),
    3,
  );
}
