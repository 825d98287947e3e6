// Writes a snapshot page's JSON straight from the record bytes Redis holds. Records were
// validated when their events were (the projection stores JSON.stringify of a checked
// record), so a read sends them on untouched: parsing, validating and serializing a
// 1,000-record page on every read cost more than everything else in the read together
// (see docs/benchmarks.md, cache).
import type { SnapshotMeta } from '@freshet/contracts';

export interface EncodedRecord {
  key: string;
  /** The record's JSON, as stored. */
  json: Buffer;
}

export interface EncodablePage {
  records: readonly EncodedRecord[];
  next?: string;
  meta: SnapshotMeta;
}

const OPEN_RECORD = '{"key":';
const RECORD_FIELD = ',"record":';

/** `[{"key":…,"record":…},…]` from the stored bytes, in one Buffer. */
export function encodeRecords(records: readonly EncodedRecord[]): Buffer {
  const keys = records.map((r) => JSON.stringify(r.key));
  let size = 2;
  records.forEach((record, i) => {
    size += OPEN_RECORD.length + Buffer.byteLength(keys[i] as string) + RECORD_FIELD.length + record.json.length + 1 + (i > 0 ? 1 : 0);
  });
  const out = Buffer.allocUnsafe(size);
  let at = out.write('[', 0);
  records.forEach((record, i) => {
    if (i > 0) at += out.write(',', at);
    at += out.write(OPEN_RECORD, at);
    at += out.write(keys[i] as string, at);
    at += out.write(RECORD_FIELD, at);
    at += record.json.copy(out, at);
    at += out.write('}', at);
  });
  at += out.write(']', at);
  return at === size ? out : out.subarray(0, at);
}

/**
 * `{<head>"records":[…],"next":…,"meta":{…}}`, the records given already encoded (see
 * encodeRecords: a page's records can be encoded once and sent with many metas).
 */
export function encodeSnapshotPageWith(recordsJson: Buffer, page: Omit<EncodablePage, 'records'>, head = ''): Buffer {
  const start = Buffer.from(`{${head}"records":`);
  const end = Buffer.from(`${page.next === undefined ? '' : `,"next":${JSON.stringify(page.next)}`},"meta":${JSON.stringify(page.meta)}}`);
  return Buffer.concat([start, recordsJson, end], start.length + recordsJson.length + end.length);
}

/** `{<head>"records":[{"key":…,"record":…},…],"next":…,"meta":{…}}` in one Buffer; `head` e.g. `"ok":true,`. */
export function encodeSnapshotPage(page: EncodablePage, head = ''): Buffer {
  return encodeSnapshotPageWith(encodeRecords(page.records), page, head);
}

/**
 * A cheap check that stored bytes are a JSON object: `{` … `}`. Catches what damage looks
 * like in practice (a value overwritten by hand, a truncated restore); a fully valid JSON
 * check per record would cost the read its speed.
 */
export function looksLikeJsonObject(json: Buffer): boolean {
  return json.length >= 2 && json[0] === 0x7b && json[json.length - 1] === 0x7d;
}
