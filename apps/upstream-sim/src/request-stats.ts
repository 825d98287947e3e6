// Counts public-list requests so tests and benchmarks can see how much upstream "quota" a
// client spent, how much ETags saved and how often it was throttled. Admin calls are
// never counted. `total` counts every list request (refused ones and dropped connections
// included) and `requestsByRoute` splits it by list style. Per dataset (when the name in
// the path was valid), outcomes are disjoint:
// - `list`: a clean 200 page; `notModified`: 304; `notFound`: 404 for an unknown dataset;
// - `rateLimited`: 429; `errorLimited`: 420 (error budget spent);
// - `faulted`: an injected fault shaped the answer (failure status, dropped connection,
//   malformed, reshaped or duplicated page; latency alone does not count).
import { LIST_STYLES, type ListStyle } from './constants';

export const COUNTED_OUTCOMES = ['list', 'notModified', 'notFound', 'rateLimited', 'errorLimited', 'faulted'] as const;
export type CountedOutcome = (typeof COUNTED_OUTCOMES)[number];
export type RouteCounters = Record<ListStyle, number>;
export type DatasetCounters = Record<CountedOutcome, number> & { requestsByRoute: RouteCounters };

export interface StatsSnapshot {
  total: number;
  requestsByRoute: RouteCounters;
  byDataset: Record<string, DatasetCounters>;
}

function zeroRoutes(): RouteCounters {
  return Object.fromEntries(LIST_STYLES.map((style) => [style, 0])) as RouteCounters;
}

function zeroCounters(): DatasetCounters {
  const outcomes = Object.fromEntries(COUNTED_OUTCOMES.map((outcome) => [outcome, 0])) as Record<CountedOutcome, number>;
  return { ...outcomes, requestsByRoute: zeroRoutes() };
}

/** The outcome a list answer stands for, or undefined if it only counts in the totals. */
export function outcomeForStatus(statusCode: number, faulted = false): CountedOutcome | undefined {
  if (faulted) return 'faulted';
  switch (statusCode) {
    case 200:
      return 'list';
    case 304:
      return 'notModified';
    case 404:
      return 'notFound';
    case 420:
      return 'errorLimited';
    case 429:
      return 'rateLimited';
    default:
      return undefined;
  }
}

export class RequestStats {
  private total = 0;
  private requestsByRoute = zeroRoutes();
  private readonly byDataset = new Map<string, DatasetCounters>();

  /** Records one list request; `dataset` is only given when its name was valid. */
  record(style: ListStyle, dataset: string | undefined, outcome: CountedOutcome | undefined): void {
    this.total += 1;
    this.requestsByRoute[style] += 1;
    if (dataset === undefined) return;
    let counters = this.byDataset.get(dataset);
    if (!counters) {
      counters = zeroCounters();
      this.byDataset.set(dataset, counters);
    }
    counters.requestsByRoute[style] += 1;
    if (outcome !== undefined) counters[outcome] += 1;
  }

  snapshot(): StatsSnapshot {
    return {
      total: this.total,
      requestsByRoute: { ...this.requestsByRoute },
      byDataset: Object.fromEntries(
        [...this.byDataset].map(([name, counters]) => [name, { ...counters, requestsByRoute: { ...counters.requestsByRoute } }]),
      ),
    };
  }

  reset(): void {
    this.total = 0;
    this.requestsByRoute = zeroRoutes();
    this.byDataset.clear();
  }
}
