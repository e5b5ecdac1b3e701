/** Concurrent callers with the same key share one run of `work`. */
export interface Flight<T> {
  run(key: string, work: () => Promise<T>): Promise<T>;
}

/**
 * Concurrent callers with the same key share one in-flight promise: ten reissue clicks in one
 * session make one Keystone call. In process; shared-state/redis-single-flight.ts spans replicas.
 */
export class SingleFlight<T> implements Flight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  /**
   * @param settledTtlMs how long a successful result keeps answering callers with the same key
   *   after it settled: a request that arrives just after the run (it read its session before the
   *   run saved the new token) must get the same token, not start a second one. Failures are
   *   never kept.
   */
  constructor(private readonly settledTtlMs = 0) {}

  run(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const promise = work();
    this.inFlight.set(key, promise);
    promise.then(
      () => {
        if (this.settledTtlMs <= 0) this.inFlight.delete(key);
        else setTimeout(() => this.forget(key, promise), this.settledTtlMs).unref();
      },
      () => this.forget(key, promise),
    );
    return promise;
  }

  private forget(key: string, promise: Promise<T>): void {
    if (this.inFlight.get(key) === promise) this.inFlight.delete(key);
  }
}
