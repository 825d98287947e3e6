// updatedSince: the highest value of the updated field in a batch, compared as times
// when both parse as dates (ISO strings with different offsets), else as strings.
import type { FetchedRecord } from '../record-diff';

function later(a: string, b: string): string {
  // Numbers (epoch seconds, versions) compare as numbers: Date.parse('5') is a date, '13' is not.
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return nb > na ? b : a;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return tb > ta ? b : a;
  return b > a ? b : a;
}

export function maxUpdated(records: readonly FetchedRecord[], field: string, current: string | undefined): string | undefined {
  let max = current;
  for (const { record } of records) {
    const value = record[field];
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    const text = String(value);
    max = max === undefined ? text : later(max, text);
  }
  return max;
}
