// The scheduler's metrics: queue depth by priority (read from the ledger when scraped),
// job outcomes, time from queued to started, and single-flight joins.
import type { Meter } from '@opentelemetry/api';

export interface SchedulerMetrics {
  requested(joined: boolean, priority: number): void;
  outcome(status: string): void;
  waited(seconds: number, priority: number): void;
}

export function createSchedulerMetrics(meter: Meter, queueDepth: () => Promise<Array<{ priority: number; count: number }>>): SchedulerMetrics {
  const requests = meter.createCounter('freshet_scheduler_revalidate_requests', { description: 'Revalidate requests, by whether they joined an active job' });
  const outcomes = meter.createCounter('freshet_scheduler_job_transitions', { description: 'Ledger transitions by new status' });
  const wait = meter.createHistogram('freshet_scheduler_job_wait_seconds', {
    description: 'Time from queued to started',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 900, 3600] },
  });
  const depth = meter.createObservableGauge('freshet_scheduler_queue_depth', { description: 'Queued jobs by priority' });
  depth.addCallback(async (result) => {
    for (const row of await queueDepth().catch(() => [])) result.observe(row.count, { priority: String(row.priority) });
  });
  return {
    requested: (joined, priority) => requests.add(1, { joined: String(joined), priority: String(priority) }),
    outcome: (status) => outcomes.add(1, { status }),
    waited: (seconds, priority) => wait.record(seconds, { priority: String(priority) }),
  };
}
