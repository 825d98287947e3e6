// stopAtId on one newest-first page: keep the records before the last synced id.
import type { FetchedRecord } from '../record-diff';

export function takeUntilSeen(records: readonly FetchedRecord[], lastSeenId: string | undefined): { kept: FetchedRecord[]; found: boolean } {
  if (lastSeenId === undefined) return { kept: [...records], found: false };
  const index = records.findIndex((r) => r.key === lastSeenId);
  return index === -1 ? { kept: [...records], found: false } : { kept: records.slice(0, index), found: true };
}
