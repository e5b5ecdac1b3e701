import { useState } from 'react';
import { defaultRegion } from './default-region';

/**
 * The region a page works in: the operator's choice once made, the default rule until then (so
 * the default follows the catalog and the session as they arrive, without an effect).
 */
export function useRegionChoice(
  regions: readonly string[],
  sessionRegion: string | null | undefined,
): [region: string | null, choose: (region: string) => void] {
  const [chosen, setChosen] = useState<string | null>(null);
  return [chosen ?? defaultRegion(regions, sessionRegion), setChosen];
}
