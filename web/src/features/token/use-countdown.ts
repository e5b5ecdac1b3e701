import { useEffect, useState } from 'react';
import { computeSecondsLeft, type CountdownAnchor } from './countdown';

const monotonicNow = () => performance.now();

/** Seconds left, re-rendered on each whole second, measured on the monotonic clock. */
export function useCountdown(anchor: CountdownAnchor | undefined, now: () => number = monotonicNow): number | undefined {
  const compute = () => (anchor ? computeSecondsLeft(anchor, now()) : undefined);
  const [secondsLeft, setSecondsLeft] = useState(compute);
  useEffect(() => {
    setSecondsLeft(compute());
    if (!anchor) return;
    // A short tick keeps the display within a quarter second of the truth; React skips equal states.
    const timer = setInterval(() => setSecondsLeft(compute()), 250);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the anchor's fields define it
  }, [anchor?.secondsLeft, anchor?.anchoredAtMs, anchor?.lifetimeSeconds, now]);
  return secondsLeft;
}
