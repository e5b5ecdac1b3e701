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

  run(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const promise = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }
}
