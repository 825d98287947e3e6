// Opaque cursors of the cursor-paged list. A cursor names a position in one list order
// (the last item served: its time in that order and its id) and the number of the page
// it leads to, so the next page is "the items after this one" (keyset paging): stable
// while items are added, edited or deleted, and the same position always gives the same
// cursor. Clients must treat it as opaque; it is base64url text.
import { InvalidRequestError } from './errors';
import type { OrderPosition } from './item-store';

export type CursorOrder = 'newest' | 'updated';

export interface Cursor {
  order: CursorOrder;
  after: OrderPosition;
  /** 1-based number of the page this cursor fetches (faults are set by page number). */
  page: number;
}

const ORDER_CODES: Record<CursorOrder, string> = { newest: 'n', updated: 'u' };
const SHAPE = /^v1\.([nu])\.(-?[0-9]{1,16})\.([1-9][0-9]{0,15})\.([1-9][0-9]{0,8})$/;

export function encodeCursor(cursor: Cursor): string {
  const text = ['v1', ORDER_CODES[cursor.order], cursor.after.ms, cursor.after.id, cursor.page].join('.');
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** Reads a cursor this API issued; anything else is a 400 naming the parameter. */
export function decodeCursor(raw: string, parameter: string): Cursor {
  const match = /^[A-Za-z0-9_-]{1,200}$/.test(raw) ? SHAPE.exec(Buffer.from(raw, 'base64url').toString('utf8')) : null;
  const [, order, ms, id, page] = match ?? [];
  const cursor =
    order !== undefined && ms !== undefined && id !== undefined && page !== undefined
      ? { order: order === 'n' ? 'newest' : 'updated', after: { ms: Number(ms), id: Number(id) }, page: Number(page) }
      : undefined;
  if (!cursor || !Number.isSafeInteger(cursor.after.ms) || !Number.isSafeInteger(cursor.after.id)) {
    throw new InvalidRequestError(`query parameter "${parameter}" is not a cursor this API issued`);
  }
  return cursor as Cursor;
}
