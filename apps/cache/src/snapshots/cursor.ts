// The opaque paging cursor of a snapshot walk: where the walk reads from, the stream
// position it reflects (fixed by its first page) and the last key served. Keys are walked
// in byte order, so every key present throughout the walk is served exactly once.
import { HttpProblem } from '@freshet/telemetry';

export type CursorOrigin = 'cache' | 'database';

export interface SnapshotCursor {
  /** Stream sequence of the walk's first page; every later page answers as of it. */
  seq: number;
  /** Epoch of the stream `seq` counts in. */
  epoch: string;
  /** Last key of the previous page; the next page starts strictly after it. */
  after: string;
  /**
   * Where the first page came from. A walk begun in the database stays there (its `seq`
   * is a lower bound the cache's records cannot be filtered by); one begun in the cache
   * goes on in the database if Redis fails midway (its `seq` is then a lower bound too).
   */
  origin: CursorOrigin;
  /** The view's build a cache walk reads: a view rebuilt midway ends the walk with a reset. */
  incarnation: string;
}

export function encodeCursor(cursor: SnapshotCursor): string {
  const tuple = [cursor.seq, cursor.after, cursor.epoch, cursor.origin === 'cache' ? 'c' : 'd', cursor.incarnation];
  return Buffer.from(JSON.stringify(tuple), 'utf8').toString('base64url');
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
  if (!Array.isArray(value) || value.length !== 5) throw badCursor();
  const [seq, after, epoch, origin, incarnation] = value as unknown[];
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) throw badCursor();
  if (typeof after !== 'string' || after === '' || after.length > 512) throw badCursor();
  if (typeof epoch !== 'string' || epoch === '' || epoch.length > 64) throw badCursor();
  if (origin !== 'c' && origin !== 'd') throw badCursor();
  if (typeof incarnation !== 'string' || incarnation.length > 64) throw badCursor();
  return { seq, after, epoch, origin: origin === 'c' ? 'cache' : 'database', incarnation };
}
