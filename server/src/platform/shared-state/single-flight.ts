/**
 * Concurrent callers with the same key share one run of `work`. A run that already settled (within
 * the flight's settled window) is shared only with a caller whose `acceptSettled` takes its result.
 */
export interface Flight<T> {
  run(key: string, work: () => Promise<T>, acceptSettled?: (result: T) => boolean): Promise<T>;
}

/**
 * Concurrent callers with the same key share one in-flight promise: ten reissue clicks in one
 * session make one Keystone call. In process; shared-state/redis-single-flight.ts spans replicas.
 */
export class SingleFlight<T> implements Flight<T> {
  private readonly runs = new Map<string, { promise: Promise<T>; settled?: { value: T } }>();

  /**
   * @param settledTtlMs how long a successful result is kept for callers whose `acceptSettled`
   *   takes it (a request that arrived while the run was going, but read its session before the
   *   run saved the new token). Failures are never kept.
   */
  constructor(private readonly settledTtlMs = 0) {}

  run(key: string, work: () => Promise<T>, acceptSettled?: (result: T) => boolean): Promise<T> {
    const existing = this.runs.get(key);
    if (existing && !existing.settled) return existing.promise;
    if (existing?.settled && acceptSettled?.(existing.settled.value)) return existing.promise;
    const entry: { promise: Promise<T>; settled?: { value: T } } = { promise: work() };
    this.runs.set(key, entry);
    entry.promise.then(
      (value) => {
        if (this.settledTtlMs <= 0) {
          this.forget(key, entry);
          return;
        }
        entry.settled = { value };
        setTimeout(() => this.forget(key, entry), this.settledTtlMs).unref();
      },
      () => this.forget(key, entry),
    );
    return entry.promise;
  }

  private forget(key: string, entry: { promise: Promise<T> }): void {
    if (this.runs.get(key) === entry) this.runs.delete(key);
  }
}
