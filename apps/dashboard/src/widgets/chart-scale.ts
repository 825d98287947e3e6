// The numbers behind a widget's small SVG chart: which record fields are numeric, how
// their values fall into bins (a histogram, so a chart of 1,000 records stays a dozen
// bars), a "nice" top of the y axis, and each bar's rectangle. Pure, no DOM.

export interface Bin {
  from: number;
  to: number;
  count: number;
}

export interface BarRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Fields where most sampled records hold a finite number; `id`-like fields are left out (a histogram of ids says nothing). */
export function numericFields(records: ReadonlyArray<Readonly<Record<string, unknown>>>, sample = 50): string[] {
  const counts = new Map<string, { numbers: number; present: number }>();
  for (const record of records.slice(0, sample)) {
    for (const [field, value] of Object.entries(record)) {
      if (value === null || value === undefined) continue;
      const count = counts.get(field) ?? { numbers: 0, present: 0 };
      count.present += 1;
      if (typeof value === 'number' && Number.isFinite(value)) count.numbers += 1;
      counts.set(field, count);
    }
  }
  return [...counts]
    .filter(([field, { numbers, present }]) => !/^id$|Id$|_id$/.test(field) && numbers > 0 && numbers / present >= 0.8)
    .map(([field]) => field);
}

/** `binCount` equal bins from the smallest to the largest finite value (one bin when they are all equal). */
export function histogram(values: readonly unknown[], binCount = 12): Bin[] {
  const numbers = values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  if (numbers.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const n of numbers) {
    if (n < min) min = n;
    if (n > max) max = n;
  }
  if (min === max) return [{ from: min, to: max, count: numbers.length }];
  const width = (max - min) / binCount;
  const bins: Bin[] = Array.from({ length: binCount }, (_, i) => ({ from: min + i * width, to: i === binCount - 1 ? max : min + (i + 1) * width, count: 0 }));
  for (const n of numbers) {
    // The maximum belongs to the last bin, not one past it.
    const index = Math.min(binCount - 1, Math.floor((n - min) / width));
    bins[index]!.count += 1;
  }
  return bins;
}

/** The smallest 1, 2 or 5 × 10^k at or above `max` (at least 1): the top of the y axis. */
export function niceCeiling(max: number): number {
  if (!(max > 1)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

/** The rectangles of `counts` as bars filling `width` × `height`, with `gap` between bars; y grows downwards (SVG). */
export function barRects(counts: readonly number[], width: number, height: number, gap = 2): BarRect[] {
  if (counts.length === 0) return [];
  const top = niceCeiling(Math.max(...counts));
  const slot = width / counts.length;
  const barWidth = Math.max(1, slot - gap);
  return counts.map((count, i) => {
    const barHeight = count === 0 ? 0 : Math.max(1, (count / top) * height);
    return { x: i * slot + gap / 2, y: height - barHeight, width: barWidth, height: barHeight };
  });
}
