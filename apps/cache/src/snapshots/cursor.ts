// The opaque paging cursor of a snapshot walk: the stream sequence the walk reflects
// (fixed by its first page) and the last key served. Keys are walked in byte order, so
// every key present throughout the walk is served exactly once.
import { HttpProblem } from '@freshet/telemetry';

export interface SnapshotCursor {
  /** Stream sequence of the walk's first page; every later page answers as of it. */
  seq: number;
  /** Last key of the previous page; the next page starts strictly after it. */
  after: string;
}

export function encodeCursor(cursor: SnapshotCursor): string {
  return Buffer.from(JSON.stringify([cursor.seq, cursor.after]), 'utf8').toString('base64url');
}

const badCursor = () => new HttpProblem(400, 'BAD_CURSOR', 'cursor is not one this API returned; pass the "next" of the previous page');

export function decodeCursor(text: string): SnapshotCursor {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw badCursor();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(value) || value.length !== 2) throw badCursor();
  const [seq, after] = value as [unknown, unknown];
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) throw badCursor();
  if (typeof after !== 'string' || after === '' || after.length > 512) throw badCursor();
  return { seq, after };
}
