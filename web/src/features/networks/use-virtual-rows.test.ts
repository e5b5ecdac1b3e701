import { describe, expect, it } from 'vitest';
import { computeVirtualRange } from './use-virtual-rows';

describe('computeVirtualRange', () => {
  it('renders the rows in view plus overscan', () => {
    expect(computeVirtualRange(10_000, 40, 0, 600, 5)).toEqual({ start: 0, end: 20, totalHeight: 400_000 });
    expect(computeVirtualRange(10_000, 40, 4_000, 600, 5)).toEqual({
      start: 95,
      end: 120,
      totalHeight: 400_000,
    });
  });

  it('clamps at the end and for tiny lists', () => {
    expect(computeVirtualRange(100, 40, 10_000, 600, 5)).toMatchObject({ start: 100, end: 100 });
    expect(computeVirtualRange(3, 40, 0, 600, 5)).toMatchObject({ start: 0, end: 3 });
    expect(computeVirtualRange(0, 40, 0, 600, 5)).toMatchObject({ start: 0, end: 0, totalHeight: 0 });
  });
});
