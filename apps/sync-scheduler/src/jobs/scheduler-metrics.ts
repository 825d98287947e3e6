// The scheduler's metrics: the job ledger as gauges (queued jobs by priority, jobs by
// status — `dead` among them — and the age of the oldest queued job, one query per
// scrape), job transitions, time from queued to started, and single-flight joins.
// Every replica reads the same ledger: aggregate the gauges with max, not sum.
import type { Meter } from '@opentelemetry/api';
import { PRIORITY } from '@freshet/contracts';
import { JOB_STATUSES } from '../db/scheduler-tables';

export const SCHEDULER_METRICS = {
  revalidateRequests: 'freshet_scheduler_revalidate_requests',
  transitions: 'freshet_scheduler_job_transitions',
  wait: 'freshet_scheduler_job_wait_seconds',
  queueDepth: 'freshet_scheduler_queue_depth',
  jobs: 'freshet_scheduler_jobs',
  oldestQueued: 'freshet_scheduler_oldest_queued_job_age_seconds',
} as const;

/** The ledger as the gauges read it. */
export interface LedgerCounts {
  rows: Array<{ status: string; priority: number; count: number }>;
  /** Age of the oldest queued job, in seconds; null when none is queued. */
  oldestQueuedSeconds: number | null;
}

export interface SchedulerMetrics {
  requested(joined: boolean, priority: number): void;
  outcome(status: string): void;
  waited(seconds: number, priority: number): void;
}

export function createSchedulerMetrics(meter: Meter, readLedger: () => Promise<LedgerCounts>): SchedulerMetrics {
  const requests = meter.createCounter(SCHEDULER_METRICS.revalidateRequests, { description: 'Revalidate requests, by whether they joined an active job' });
  const outcomes = meter.createCounter(SCHEDULER_METRICS.transitions, { description: 'Ledger transitions by new status' });
  const wait = meter.createHistogram(SCHEDULER_METRICS.wait, {
    description: 'Time from queued to started',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 900, 3600] },
  });
  const depth = meter.createObservableGauge(SCHEDULER_METRICS.queueDepth, { description: 'Queued jobs by priority' });
  const jobs = meter.createObservableGauge(SCHEDULER_METRICS.jobs, { description: 'Jobs in the ledger by status (dead: failed for good, waiting for a retry by hand)' });
  const oldest = meter.createObservableGauge(SCHEDULER_METRICS.oldestQueued, { description: 'Age of the oldest queued job, in seconds (0 when none is queued)', unit: 's' });
  meter.addBatchObservableCallback(
    async (result) => {
      const ledger = await readLedger().catch(() => undefined);
      if (!ledger) return; // the database did not answer: no values rather than wrong ones
      // Every tier and status is reported, 0 included, so dashboards and alerts see a series from the start.
      const queued = new Map<number, number>(Object.values(PRIORITY).map((p) => [p, 0]));
      const byStatus = new Map<string, number>(JOB_STATUSES.map((s) => [s, 0]));
      for (const row of ledger.rows) {
        byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + row.count);
        if (row.status === 'queued') queued.set(row.priority, (queued.get(row.priority) ?? 0) + row.count);
      }
      for (const [priority, count] of queued) result.observe(depth, count, { priority: String(priority) });
      for (const [status, count] of byStatus) result.observe(jobs, count, { status });
      result.observe(oldest, ledger.oldestQueuedSeconds ?? 0);
    },
    [depth, jobs, oldest],
  );
  for (const status of JOB_STATUSES) outcomes.add(0, { status });
  return {
    requested: (joined, priority) => requests.add(1, { joined: String(joined), priority: String(priority) }),
    outcome: (status) => outcomes.add(1, { status }),
    waited: (seconds, priority) => wait.record(seconds, { priority: String(priority) }),
  };
}
