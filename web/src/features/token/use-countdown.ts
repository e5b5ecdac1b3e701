import { useSyncExternalStore } from 'react';
import { computeSecondsLeft, type CountdownAnchor } from './countdown';

const monotonicNow = () => performance.now();

function subscribeToTicks(onTick: () => void): () => void {
  // A quarter-second tick keeps the display within 250 ms of the truth; React re-renders only
  // when the whole-second value changes.
  const timer = setInterval(onTick, 250);
  return () => clearInterval(timer);
}

/**
 * Seconds left, measured on the monotonic clock from the anchor. A new anchor (a reissued token)
 * takes effect in the same render, so nothing ever sees the old token's seconds with the new id.
 */
export function useCountdown(
  anchor: CountdownAnchor | undefined,
  now: () => number = monotonicNow,
): number | undefined {
  const getSnapshot = () => (anchor ? computeSecondsLeft(anchor, now()) : undefined);
  return useSyncExternalStore(subscribeToTicks, getSnapshot);
}
