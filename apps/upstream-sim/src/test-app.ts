// Test-only helper: an in-process upstream with a frozen clock and its store exposed,
// so specs can assert exact state without reaching into the app.
import { buildUpstreamSimApp, type UpstreamSimOptions } from './app';
import { manualClock } from './clock';
import { ItemStore } from './item-store';

export const TEST_NOW = '2025-06-01T12:00:00.000Z';

export async function buildTestApp(options: UpstreamSimOptions = {}) {
  const clock = manualClock(TEST_NOW);
  const store = new ItemStore(clock);
  const app = await buildUpstreamSimApp({ clock, store, ...options });
  return { app, clock, store };
}

/** Everything the store holds, for "nothing changed" assertions. */
export function storeState(store: ItemStore): string {
  return JSON.stringify(
    store.summaries().map((summary) => ({ ...summary, items: store.findNewestFirst(summary.name) })),
  );
}
