// Injected faults of one dataset and what they do to a request or a page. Pure: the
// admin API stores a Faults value, the traffic hooks ask takeRequestFault before
// answering, and every list style passes its page through applyPageFaults before
// sending it. Page numbers are 1-based in every style (offset lists: offset / limit + 1;
// cursor lists: the cursor's position in the chain, the first request being page 1).
import { SHAPE_CHANGED_KEY } from './constants';
import type { Item } from './item';

export type FailStatus = 500 | 502 | 503 | 504;

export interface Faults {
  /** Delay before every answer. */
  latencyMs?: number | undefined;
  /** The next `count` requests fail with `status` (and Retry-After when given). */
  failNext?: { count: number; status: FailStatus; retryAfterSeconds?: number | undefined } | undefined;
  /** These pages answer 200 with a body that is not valid JSON. */
  malformedPages?: number[] | undefined;
  /** Pages after this one serve items whose primary key `id` is renamed: the shape changes mid-sync. */
  shapeChangeAfterPage?: number | undefined;
  /** This page repeats its first item at its end. */
  duplicateIdsOnPage?: number | undefined;
  /** The next `n` requests have their connection destroyed without an answer. */
  dropConnectionNext?: number | undefined;
}

export type RequestFault = { kind: 'drop' } | { kind: 'fail'; status: FailStatus; retryAfterSeconds?: number | undefined };

/**
 * The fault the next request meets, if any, and the faults left after it: a pending drop
 * comes first, then a pending failure; each use counts one down and is gone at zero.
 */
export function takeRequestFault(faults: Faults): { fault: RequestFault | undefined; rest: Faults } {
  const { dropConnectionNext, failNext, ...others } = faults;
  if (dropConnectionNext !== undefined && dropConnectionNext > 0) {
    const rest: Faults = { ...others, ...(failNext ? { failNext } : {}) };
    if (dropConnectionNext > 1) rest.dropConnectionNext = dropConnectionNext - 1;
    return { fault: { kind: 'drop' }, rest };
  }
  if (failNext !== undefined && failNext.count > 0) {
    const rest: Faults = { ...others };
    if (failNext.count > 1) rest.failNext = { ...failNext, count: failNext.count - 1 };
    const fault: RequestFault = { kind: 'fail', status: failNext.status };
    if (failNext.retryAfterSeconds !== undefined) fault.retryAfterSeconds = failNext.retryAfterSeconds;
    return { fault, rest };
  }
  return { fault: undefined, rest: faults };
}

export interface FaultedPage {
  /** What to serve in place of the items. */
  records: readonly object[];
  /** True when the body must be served as invalid JSON. */
  malformed: boolean;
  /** True when any fault changed the page. */
  faulted: boolean;
}

/** Applies the page-level faults (shape change, duplicate, malformed) to page `page`. */
export function applyPageFaults(items: readonly Item[], page: number, faults: Faults): FaultedPage {
  let records: readonly object[] = items;
  let faulted = false;
  if (faults.duplicateIdsOnPage === page && items[0] !== undefined) {
    records = [...items, items[0]];
    faulted = true;
  }
  if (faults.shapeChangeAfterPage !== undefined && page > faults.shapeChangeAfterPage && records.length > 0) {
    records = records.map(renamePrimaryKey);
    faulted = true;
  }
  const malformed = faults.malformedPages?.includes(page) ?? false;
  return { records, malformed, faulted: faulted || malformed };
}

function renamePrimaryKey(record: object): object {
  const { id, ...rest } = record as Record<string, unknown>;
  return { [SHAPE_CHANGED_KEY]: id, ...rest };
}

/** A body that is not valid JSON: the first half of a JSON array or object (never empty). */
export function malformBody(body: string): string {
  return body.slice(0, Math.max(1, Math.floor(body.length / 2)));
}
