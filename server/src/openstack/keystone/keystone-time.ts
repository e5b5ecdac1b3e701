import { UpstreamError } from '../../platform/errors.js';

/**
 * Keystone's time stamps: "2026-11-23T02:12:42.000000Z" in v3; v2.0's issued_at has no zone
 * ("2026-11-23T01:12:42.000000") and is UTC. Microseconds are cut to what Date understands.
 */
export function parseKeystoneTime(value: string): Date {
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const normalized = value.replace(/(\.\d{3})\d+/, '$1') + (hasZone ? '' : 'Z');
  const date = new Date(normalized);
  if (Number.isNaN(date.getTime()))
    throw new UpstreamError(`Keystone sent a time stamp that is not a date: ${value.slice(0, 40)}`);
  return date;
}
