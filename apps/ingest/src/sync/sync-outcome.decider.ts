// Pure decisions of a sync job: which events a finished sync produces, and which a
// failure produces. Time and ids come in as arguments, never from a clock.
import type { JobError, JobStats, NewEvent } from '@freshet/contracts';
import type { RecordDiff } from '@freshet/connectors';

export interface JobRef {
  tenant: string;
  source: string;
  jobId: string;
  attempt: number;
  time: string;
}

export function decideContentEvents(job: JobRef, diff: RecordDiff): NewEvent[] {
  const { tenant, source, jobId, time } = job;
  return [
    ...diff.created.map(
      (r): NewEvent => ({ type: 'content.created', tenant, source, time, data: { key: r.key, hash: r.hash, record: r.record, jobId } }),
    ),
    ...diff.updated.map(
      (r): NewEvent => ({
        type: 'content.updated',
        tenant,
        source,
        time,
        data: { key: r.key, hash: r.hash, previousHash: r.previousHash, record: r.record, jobId },
      }),
    ),
    ...diff.deleted.map(
      (r): NewEvent => ({ type: 'content.deleted', tenant, source, time, data: { key: r.key, previousHash: r.previousHash, jobId } }),
    ),
  ];
}

export function decideJobStarted(job: JobRef, priority: number): NewEvent {
  return { type: 'job.started', tenant: job.tenant, source: job.source, time: job.time, data: { jobId: job.jobId, attempt: job.attempt, priority } };
}

export interface SyncSummary {
  stats: JobStats;
  strategy: string;
  notes: string[];
}

export function decideJobCompleted(job: JobRef, summary: SyncSummary): NewEvent {
  return {
    type: 'job.completed',
    tenant: job.tenant,
    source: job.source,
    time: job.time,
    data: { jobId: job.jobId, attempt: job.attempt, stats: summary.stats, strategy: summary.strategy, notes: summary.notes },
  };
}

export function decideJobFailed(job: JobRef, error: JobError, willRetry: boolean): NewEvent {
  return { type: 'job.failed', tenant: job.tenant, source: job.source, time: job.time, data: { jobId: job.jobId, attempt: job.attempt, error, willRetry } };
}
