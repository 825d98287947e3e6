// Page arithmetic for the public list: 1-based page numbers, a fixed page size, and a
// total that is at least 1 so an empty dataset still reports one (empty) page.
import { InvalidRequestError } from './errors';

export interface Page<T> {
  items: readonly T[];
  totalPages: number;
}

const PAGE_NUMBER = /^[1-9][0-9]*$/;

/** Reads the `page` query value: absent means 1; anything but a positive integer is refused. */
export function parsePage(raw: unknown): number {
  if (raw === undefined) return 1;
  const page = typeof raw === 'string' && PAGE_NUMBER.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(page)) {
    const shown = typeof raw === 'string' ? JSON.stringify(raw) : 'more than one value';
    throw new InvalidRequestError(`query parameter "page" must be a positive integer (1, 2, ...), got ${shown}`);
  }
  return page;
}

export function totalPages(itemCount: number, pageSize: number): number {
  return Math.max(1, Math.ceil(itemCount / pageSize));
}

/** The items on `page`; a page past the end is empty, not an error. */
export function paginate<T>(items: readonly T[], page: number, pageSize: number): Page<T> {
  const start = (page - 1) * pageSize;
  return { items: items.slice(start, start + pageSize), totalPages: totalPages(items.length, pageSize) };
}
