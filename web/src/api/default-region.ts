/**
 * The region a region picker shows until the operator chooses one: the session's own region when
 * it offers the service, else the first region that does, else none (the catalog has no such
 * service, or has not arrived yet).
 */
export function defaultRegion(
  regions: readonly string[],
  sessionRegion: string | null | undefined,
): string | null {
  if (sessionRegion && regions.includes(sessionRegion)) return sessionRegion;
  return regions[0] ?? null;
}
