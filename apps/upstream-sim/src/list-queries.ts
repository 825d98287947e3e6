// What each public list style's query string asks for, as store queries. Pure, so every
// rule is unit-tested; the routes only run the query and shape the answer.
// - items, link-items: ?page=N&page_size=M&updated_since=T (page 1, configured size);
// - offset-items: ?offset=N&limit=M&updated_since=T (offset 0, configured size);
// - cursor-items: ?limit=M&updated_since=T on the first request, then ?cursor=C&limit=M
//   (the cursor carries the order and position; sending updated_since with it is a 400).
// Without updated_since the order is newest first; with it, updatedAt asc then id asc.
import { LIMITS, QUERY } from './constants';
import { decodeCursor } from './cursor';
import { InvalidRequestError } from './errors';
import type { ListOrder, OrderPosition } from './item-store';
import { parsePage } from './paging';
import { parseIntegerParam, parseStringParam, parseTimestampParam } from './query-params';

export type ListQueryString = Record<string, unknown>;

/** A window of an order: `limit` items from `offset`; `page` is its 1-based page number. */
export interface WindowQuery {
  order: ListOrder;
  offset: number;
  limit: number;
  page: number;
}

/** A run of an order after a position (from the start when undefined). */
export interface RunQuery {
  order: ListOrder;
  after: OrderPosition | undefined;
  limit: number;
  page: number;
}

function orderOf(query: ListQueryString): ListOrder {
  const sinceMs = parseTimestampParam(query[QUERY.updatedSince], QUERY.updatedSince);
  return sinceMs === undefined ? { kind: 'newest' } : { kind: 'updatedSince', sinceMs };
}

function sizeParam(query: ListQueryString, name: string, defaultPageSize: number): number {
  return parseIntegerParam(query[name], name, { min: 1, max: LIMITS.maxPageSize, fallback: defaultPageSize });
}

/** items and link-items: numbered pages. */
export function pagedQuery(query: ListQueryString, defaultPageSize: number): WindowQuery {
  const page = parsePage(query[QUERY.page]);
  const limit = sizeParam(query, QUERY.pageSize, defaultPageSize);
  return { order: orderOf(query), offset: (page - 1) * limit, limit, page };
}

/** offset-items: offset and limit; the page number is offset / limit + 1. */
export function offsetQuery(query: ListQueryString, defaultPageSize: number): WindowQuery {
  const offset = parseIntegerParam(query[QUERY.offset], QUERY.offset, {
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    fallback: 0,
  });
  const limit = sizeParam(query, QUERY.limit, defaultPageSize);
  return { order: orderOf(query), offset, limit, page: Math.floor(offset / limit) + 1 };
}

/** cursor-items: the first page from updated_since (or newest first), later pages from the cursor. */
export function cursorQuery(query: ListQueryString, defaultPageSize: number): RunQuery {
  const limit = sizeParam(query, QUERY.limit, defaultPageSize);
  const raw = parseStringParam(query[QUERY.cursor], QUERY.cursor);
  if (raw === undefined) return { order: orderOf(query), after: undefined, limit, page: 1 };
  if (query[QUERY.updatedSince] !== undefined) {
    throw new InvalidRequestError(
      `query parameter "${QUERY.updatedSince}" cannot be combined with "${QUERY.cursor}" (the cursor carries it)`,
    );
  }
  const cursor = decodeCursor(raw, QUERY.cursor);
  // The position is already past updated_since, so the run needs no lower bound of its own.
  const order: ListOrder =
    cursor.order === 'newest' ? { kind: 'newest' } : { kind: 'updatedSince', sinceMs: Number.NEGATIVE_INFINITY };
  return { order, after: cursor.after, limit, page: cursor.page };
}
