// Page arithmetic for the public lists: 1-based page numbers, and a total that is at
// least 1 so an empty dataset still reports one (empty) page. The store serves the page
// itself (ItemStore.window), so nothing here touches items.
import { InvalidRequestError } from './errors';

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
