import { describe, expect, it } from 'vitest';
import { defaultRegion } from './default-region';

describe('defaultRegion', () => {
  it("keeps the session's region when it offers the service", () => {
    expect(defaultRegion(['RegionOne', 'RegionTwo'], 'RegionTwo')).toBe('RegionTwo');
  });

  it("takes the first region when the session's does not offer the service, or there is none", () => {
    expect(defaultRegion(['RegionOne', 'RegionTwo'], 'RegionThree')).toBe('RegionOne');
    expect(defaultRegion(['RegionOne', 'RegionTwo'], null)).toBe('RegionOne');
    expect(defaultRegion(['RegionOne', 'RegionTwo'], undefined)).toBe('RegionOne');
    expect(defaultRegion(['RegionOne', 'RegionTwo'], '')).toBe('RegionOne');
  });

  it('is none when no region offers the service (or the catalog has not arrived)', () => {
    expect(defaultRegion([], 'RegionOne')).toBeNull();
    expect(defaultRegion([], null)).toBeNull();
  });
});
