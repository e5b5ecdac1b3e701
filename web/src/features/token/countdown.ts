/**
 * Countdown math, kept pure so it can be proven without a browser.
 *
 * The BFF tells us how many seconds the token had left when it answered (`secondsLeft`, computed
 * against its own clock, `serverTime`). We anchor that number to a monotonic clock reading
 * (`performance.now()`) taken when the answer arrived, and count down from there: changing the
 * computer's wall clock, or a skewed one, cannot make the countdown jump.
 */
export interface CountdownAnchor {
  /** Seconds the token had left when the BFF answered. */
  secondsLeft: number;
  /** Full lifetime of the token (issued → expires), for the progress bar. */
  lifetimeSeconds: number;
  /** Monotonic clock reading (ms, performance.now()) when the answer arrived. */
  anchoredAtMs: number;
}

/** VK Cloud and Keystone defaults give a 1 h token; the last 10 minutes are a warning. */
export const warningThresholdSeconds = 10 * 60;
/** Auto-regenerate this long before expiry, like VK Cloud's page does while it stays open. */
export const autoReissueLeadSeconds = 2 * 60;

export type CountdownState = 'ok' | 'warning' | 'expired';

/** Whole seconds left now; rounded up so "00:00:00" means truly expired. */
export function computeSecondsLeft(anchor: CountdownAnchor, nowMs: number): number {
  const elapsedSeconds = Math.max(0, nowMs - anchor.anchoredAtMs) / 1000;
  return Math.max(0, Math.ceil(anchor.secondsLeft - elapsedSeconds));
}

export function getCountdownState(secondsLeft: number): CountdownState {
  if (secondsLeft <= 0) return 'expired';
  if (secondsLeft <= warningThresholdSeconds) return 'warning';
  return 'ok';
}

/** Share of the lifetime still left, 0..1. */
export function computeRemainingShare(secondsLeft: number, lifetimeSeconds: number): number {
  if (lifetimeSeconds <= 0) return 0;
  return Math.min(1, Math.max(0, secondsLeft / lifetimeSeconds));
}

export function formatHms(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

export function isDueForAutoReissue(secondsLeft: number): boolean {
  return secondsLeft <= autoReissueLeadSeconds;
}
