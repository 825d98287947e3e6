// Test-only helper: an in-process upstream with a frozen clock and its store exposed,
// so specs can assert exact state without reaching into the app; latency is recorded,
// never waited for.
import { buildUpstreamSimApp, type UpstreamSimOptions } from './app';
import { manualClock } from './clock';
import { LIST_STYLES, type ListStyle } from './constants';
import { ItemStore } from './item-store';
import { COUNTED_OUTCOMES, type CountedOutcome } from './request-stats';

export const TEST_NOW = '2025-06-01T12:00:00.000Z';

export async function buildTestApp(options: UpstreamSimOptions = {}) {
  const clock = manualClock(TEST_NOW);
  const store = new ItemStore(clock);
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  const app = await buildUpstreamSimApp({ clock, store, sleep, ...options });
  return { app, clock, store, sleeps };
}

/** Everything the store holds, for "nothing changed" assertions. */
export function storeState(store: ItemStore): string {
  return JSON.stringify(
    store.summaries().map((summary) => ({ ...summary, items: store.findNewestFirst(summary.name) })),
  );
}

type RouteCounts = Partial<Record<ListStyle, number>>;

/** A full requestsByRoute object: the given counts, zero elsewhere. */
export function routeCounts(counts: RouteCounts = {}): Record<ListStyle, number> {
  return { ...(Object.fromEntries(LIST_STYLES.map((style) => [style, 0])) as Record<ListStyle, number>), ...counts };
}

/** A full per-dataset counters object: the given outcomes and route counts, zero elsewhere. */
export function datasetCounters(outcomes: Partial<Record<CountedOutcome, number>>, byRoute: RouteCounts = {}) {
  const zero = Object.fromEntries(COUNTED_OUTCOMES.map((outcome) => [outcome, 0])) as Record<CountedOutcome, number>;
  return { ...zero, ...outcomes, requestsByRoute: routeCounts(byRoute) };
}
