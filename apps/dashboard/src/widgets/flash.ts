// Which rows flash, and until when. The client tells a widget which keys its last applied
// events changed (`changed: {keys, at}`, a new object per batch); each of those rows
// flashes for FLASH_MS from the moment the page saw it. A key changed again while it
// flashes starts over. Pure: the hook in use-flash.ts owns the clock and the timer.

export const FLASH_MS = 1_600;

/** Key → when its flash started and when it ends (epoch ms). */
export type Flashes = ReadonlyMap<string, { since: number; until: number }>;

export const NO_FLASHES: Flashes = new Map();

/** The flashes after a batch changed `keys` at `now`. */
export function addFlashes(current: Flashes, keys: readonly string[], now: number, flashMs = FLASH_MS): Flashes {
  if (keys.length === 0) return current;
  const next = new Map(current);
  for (const key of keys) next.set(key, { since: now, until: now + flashMs });
  return next;
}

/** The flashes still running at `now` (the same object when none ended). */
export function pruneFlashes(current: Flashes, now: number): Flashes {
  let ended = false;
  for (const { until } of current.values()) if (until <= now) ended = true;
  if (!ended) return current;
  return new Map([...current].filter(([, flash]) => flash.until > now));
}

/** When the next flash ends, or undefined when none runs. */
export function nextFlashEnd(current: Flashes): number | undefined {
  let earliest: number | undefined;
  for (const { until } of current.values()) if (earliest === undefined || until < earliest) earliest = until;
  return earliest;
}

/**
 * The cells of a changed row that flash: every column whose value differs from the row's
 * previous record, or all of them for a row the page had not seen (a created record).
 */
export function changedColumns(previous: Readonly<Record<string, unknown>> | undefined, next: Readonly<Record<string, unknown>>, columns: readonly string[]): ReadonlySet<string> {
  if (!previous) return new Set(columns);
  return new Set(columns.filter((column) => !sameValue(previous[column], next[column])));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
