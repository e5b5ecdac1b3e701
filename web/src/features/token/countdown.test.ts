import { describe, expect, it } from 'vitest';
import {
  computeRemainingShare,
  computeSecondsLeft,
  formatHms,
  getCountdownState,
  isDueForAutoReissue,
} from './countdown';

describe('computeSecondsLeft', () => {
  const anchor = { secondsLeft: 3600, lifetimeSeconds: 3600, anchoredAtMs: 10_000 };

  it('counts down from the BFF value by monotonic time elapsed since the anchor', () => {
    expect(computeSecondsLeft(anchor, 10_000)).toBe(3600);
    expect(computeSecondsLeft(anchor, 11_000)).toBe(3599);
    expect(computeSecondsLeft(anchor, 10_000 + 61_000)).toBe(3539);
  });

  it('rounds up partial seconds so the display changes on whole seconds', () => {
    expect(computeSecondsLeft(anchor, 10_300)).toBe(3600);
    expect(computeSecondsLeft(anchor, 10_999)).toBe(3600);
    expect(computeSecondsLeft(anchor, 11_001)).toBe(3599);
  });

  it('never goes below zero and ignores a clock reading before the anchor', () => {
    expect(computeSecondsLeft(anchor, 10_000 + 4_000_000)).toBe(0);
    expect(computeSecondsLeft(anchor, 5_000)).toBe(3600);
  });

  it('does not depend on the wall clock at all', () => {
    const shifted = { ...anchor, anchoredAtMs: 0 };
    expect(computeSecondsLeft(shifted, 1_500)).toBe(3599);
  });
});

describe('getCountdownState', () => {
  it('is ok above ten minutes, warning at ten minutes and below, expired at zero', () => {
    expect(getCountdownState(601)).toBe('ok');
    expect(getCountdownState(600)).toBe('warning');
    expect(getCountdownState(1)).toBe('warning');
    expect(getCountdownState(0)).toBe('expired');
  });
});

describe('formatHms', () => {
  it('pads hours, minutes and seconds to two digits', () => {
    expect(formatHms(3600)).toBe('01:00:00');
    expect(formatHms(3599)).toBe('00:59:59');
    expect(formatHms(61)).toBe('00:01:01');
    expect(formatHms(0)).toBe('00:00:00');
  });

  it('handles lifetimes longer than a day and clamps negatives', () => {
    expect(formatHms(100 * 3600 + 5)).toBe('100:00:05');
    expect(formatHms(-5)).toBe('00:00:00');
  });
});

describe('computeRemainingShare and isDueForAutoReissue', () => {
  it('gives the share of lifetime left, clamped', () => {
    expect(computeRemainingShare(1800, 3600)).toBe(0.5);
    expect(computeRemainingShare(5000, 3600)).toBe(1);
    expect(computeRemainingShare(10, 0)).toBe(0);
  });

  it('is due two minutes before expiry', () => {
    expect(isDueForAutoReissue(121)).toBe(false);
    expect(isDueForAutoReissue(120)).toBe(true);
  });
});
