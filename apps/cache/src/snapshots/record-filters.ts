// Filters a page applies after reading: records updated after an instant, judged by a
// field of the record holding an ISO date string or epoch milliseconds. A record without
// a readable value in that field is left out (nothing says it changed after the instant).
import type { UpstreamRecord } from '@freshet/contracts';

export function updatedAtMs(record: UpstreamRecord, field: string): number | undefined {
  const value = Object.hasOwn(record, field) ? record[field] : undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

export function isUpdatedAfter(record: UpstreamRecord, field: string, sinceMs: number): boolean {
  const ms = updatedAtMs(record, field);
  return ms !== undefined && ms > sinceMs;
}
