// Pure diff of what an upstream returned against what we hold, by content hash.
// Decides which content.* events a sync produces; no I/O.
import type { UpstreamRecord } from '@freshet/contracts';

export interface FetchedRecord {
  key: string;
  hash: string;
  record: UpstreamRecord;
}

export interface RecordDiff {
  created: FetchedRecord[];
  updated: Array<FetchedRecord & { previousHash: string }>;
  deleted: Array<{ key: string; previousHash: string }>;
  unchanged: number;
}

/**
 * @param existing key → hash of the records we hold
 * @param fetched  every record the upstream holds now (a full listing)
 * A key listed twice (a page shifted while we paged) counts once: the first listing wins,
 * which in a newest-first list is the newest.
 */
export function diffRecords(existing: ReadonlyMap<string, string>, fetched: readonly FetchedRecord[]): RecordDiff {
  const diff = diffPage(existing, fetched);
  const listed = new Set(fetched.map((f) => f.key));
  for (const [key, previousHash] of existing) {
    if (!listed.has(key)) diff.deleted.push({ key, previousHash });
  }
  return diff;
}

/**
 * Diff of one page of a listing: created, updated, unchanged. Deletions need the whole
 * listing, so they are found separately once a listing completed.
 */
export function diffPage(existing: ReadonlyMap<string, string>, fetched: readonly FetchedRecord[]): RecordDiff {
  const seen = new Set<string>();
  const diff: RecordDiff = { created: [], updated: [], deleted: [], unchanged: 0 };
  for (const item of fetched) {
    if (seen.has(item.key)) continue;
    seen.add(item.key);
    const previousHash = existing.get(item.key);
    if (previousHash === undefined) diff.created.push(item);
    else if (previousHash !== item.hash) diff.updated.push({ ...item, previousHash });
    else diff.unchanged += 1;
  }
  return diff;
}
