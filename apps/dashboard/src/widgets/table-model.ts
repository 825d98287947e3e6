// What a widget's table shows: its columns (picked from the records themselves, the
// familiar ones first), its order (key order, or one column up or down) and the page of
// rows on screen. A 1,000-record source renders PAGE_SIZE rows, never all of them.

export const PAGE_SIZE = 50;
export const MAX_COLUMNS = 8;
const FIRST_COLUMNS = ['id', 'name', 'title'];

type Row = { key: string; record: Readonly<Record<string, unknown>> };

/** Up to MAX_COLUMNS fields seen in the first `sample` records: id/name/title first, then in order of appearance. */
export function pickColumns(records: readonly Row[], sample = 50): string[] {
  const seen = new Set<string>();
  for (const { record } of records.slice(0, sample)) for (const field of Object.keys(record)) seen.add(field);
  const first = FIRST_COLUMNS.filter((field) => seen.has(field));
  const rest = [...seen].filter((field) => !FIRST_COLUMNS.includes(field));
  return [...first, ...rest].slice(0, MAX_COLUMNS);
}

export interface SortOrder {
  column: string;
  direction: 'asc' | 'desc';
}

/** Clicking a column header: ascending, then descending, then back to key order. */
export function nextSort(current: SortOrder | undefined, column: string): SortOrder | undefined {
  if (current?.column !== column) return { column, direction: 'asc' };
  return current.direction === 'asc' ? { column, direction: 'desc' } : undefined;
}

// Natural order ("2" before "10"), built once: a collator is costly to make.
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * The rows in `order` (a new array; the records keep their identity). Numbers compare as
 * numbers, the rest as text in natural order; missing values last. Without an order, by
 * key in natural order (the gateway pages keys as bytes: "1", "10", "100", "2" …).
 */
export function sortRows<R extends Row>(rows: readonly R[], order: SortOrder | undefined): readonly R[] {
  if (!order) return [...rows].sort((a, b) => collator.compare(a.key, b.key));
  const sign = order.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a.record[order.column];
    const y = b.record[order.column];
    const xMissing = x === undefined || x === null;
    const yMissing = y === undefined || y === null;
    if (xMissing || yMissing) return xMissing === yMissing ? 0 : xMissing ? 1 : -1;
    if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
    return sign * collator.compare(String(x), String(y));
  });
}

export interface PageWindow {
  /** 0-based page actually shown (clamped into range). */
  page: number;
  pageCount: number;
  /** Row indexes [start, end). */
  start: number;
  end: number;
}

export function pageWindow(total: number, requestedPage: number, pageSize = PAGE_SIZE): PageWindow {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(0, Math.floor(requestedPage)), pageCount - 1);
  const start = page * pageSize;
  return { page, pageCount, start, end: Math.min(total, start + pageSize) };
}
