// The records of a source in key order, changed by batches of upserts and deletes. The
// order is UTF-8 byte order, the order the gateway pages a snapshot in; for JS strings
// that is code point order (not UTF-16 code unit order, which differs above U+FFFF).
import type { SourceRecord } from '../types';

export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (0xD800-0xDFFF) starts a code point above 0xFFFF, which sorts after every
    // BMP character, including those in 0xE000-0xFFFF that have a larger code unit.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** The records sorted by key (a no-op copy when they already are, which is the gateway's order). */
export function sortRecords(records: ReadonlyArray<SourceRecord>): SourceRecord[] {
  const copy = [...records];
  for (let i = 1; i < copy.length; i += 1) {
    if (compareKeys((copy[i - 1] as SourceRecord).key, (copy[i] as SourceRecord).key) >= 0) {
      return dedupeSorted(copy.sort((a, b) => compareKeys(a.key, b.key)));
    }
  }
  return copy;
}

/** Keeps the last of equal keys (a later page wins). */
function dedupeSorted(sorted: SourceRecord[]): SourceRecord[] {
  return sorted.filter((entry, i) => i === sorted.length - 1 || (sorted[i + 1] as SourceRecord).key !== entry.key);
}

/**
 * Applies `changes` (key → the new record, or null for a delete) to sorted records in one
 * merge pass: O(n + k log k) for a batch of k changes, instead of a copy per event.
 */
export function mergeRecordChanges(records: ReadonlyArray<SourceRecord>, changes: ReadonlyMap<string, Record<string, unknown> | null>): SourceRecord[] {
  const changed = [...changes.keys()].sort(compareKeys);
  const out: SourceRecord[] = [];
  let i = 0;
  for (const key of changed) {
    while (i < records.length && compareKeys((records[i] as SourceRecord).key, key) < 0) out.push(records[i++] as SourceRecord);
    if (i < records.length && (records[i] as SourceRecord).key === key) i += 1;
    const record = changes.get(key);
    if (record !== null && record !== undefined) out.push({ key, record });
  }
  while (i < records.length) out.push(records[i++] as SourceRecord);
  return out;
}
