// Counts public-list requests so tests and benchmarks can see how much upstream "quota" a
// client spent and how much ETags saved. Admin calls are never counted. Outcomes are
// disjoint: `list` = a 200 page, `notModified` = 304, `notFound` = 404 for an unknown
// dataset; `total` counts every list request, including refused ones (400).

export const COUNTED_OUTCOMES = ['list', 'notModified', 'notFound'] as const;
export type CountedOutcome = (typeof COUNTED_OUTCOMES)[number];
export type DatasetCounters = Record<CountedOutcome, number>;

export interface StatsSnapshot {
  total: number;
  byDataset: Record<string, DatasetCounters>;
}

/** The outcome a list response's status stands for, or undefined if it only counts in total. */
export function outcomeForStatus(statusCode: number): CountedOutcome | undefined {
  switch (statusCode) {
    case 200:
      return 'list';
    case 304:
      return 'notModified';
    case 404:
      return 'notFound';
    default:
      return undefined;
  }
}

export class RequestStats {
  private total = 0;
  private readonly byDataset = new Map<string, DatasetCounters>();

  /** Records one list request; `dataset` is only given when its name was valid. */
  record(dataset: string | undefined, outcome: CountedOutcome | undefined): void {
    this.total += 1;
    if (dataset === undefined || outcome === undefined) return;
    let counters = this.byDataset.get(dataset);
    if (!counters) {
      counters = { list: 0, notModified: 0, notFound: 0 };
      this.byDataset.set(dataset, counters);
    }
    counters[outcome] += 1;
  }

  snapshot(): StatsSnapshot {
    return {
      total: this.total,
      byDataset: Object.fromEntries([...this.byDataset].map(([name, counters]) => [name, { ...counters }])),
    };
  }

  reset(): void {
    this.total = 0;
    this.byDataset.clear();
  }
}
