// The job ledger read for one tenant: what the gateway's tenant overview shows. The same
// grouping as `jobStats` (jobs/job-repository.ts, the /v1/jobs/stats route) restricted to
// the tenant, and dead jobs through the existing `listJobs` with its tenant filter.
import type { Kysely } from 'kysely';
import type { DeadJob, TenantJobStats } from '@freshet/contracts';
import { JOB_STATUSES, type JobRow, type JobStatus, type SchedulerDatabase } from '../db/scheduler-tables';
import { listJobs } from '../jobs/job-repository';

export async function tenantJobStats(db: Kysely<SchedulerDatabase>, tenant: string, now: Date): Promise<TenantJobStats> {
  const rows = await db
    .selectFrom('jobs')
    .select(['status', 'priority', (eb) => eb.fn.countAll<string>().as('count'), (eb) => eb.fn.min('queued_at').as('oldest')])
    .where('tenant', '=', tenant)
    .groupBy(['status', 'priority'])
    .execute();
  const byStatus = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  const byPriority: Record<string, number> = {};
  let total = 0;
  let oldestQueued: Date | undefined;
  for (const row of rows) {
    const count = Number(row.count);
    byStatus[row.status] += count;
    byPriority[String(row.priority)] = (byPriority[String(row.priority)] ?? 0) + count;
    total += count;
    if (row.status === 'queued' && row.oldest && (!oldestQueued || row.oldest < oldestQueued)) oldestQueued = row.oldest;
  }
  return { byStatus, byPriority, total, oldestQueuedAgeMs: oldestQueued ? Math.max(0, now.getTime() - oldestQueued.getTime()) : null };
}

/** The recorded error as `{code, message}` (the worker's JobError), whatever older rows hold. */
export function presentJobError(lastError: unknown): DeadJob['lastError'] {
  if (lastError === null || lastError === undefined) return null;
  if (typeof lastError === 'string') return { code: 'UNKNOWN', message: lastError };
  if (typeof lastError === 'object') {
    const { code, message } = lastError as { code?: unknown; message?: unknown };
    return { code: typeof code === 'string' && code !== '' ? code : 'UNKNOWN', message: typeof message === 'string' ? message : JSON.stringify(lastError) };
  }
  return { code: 'UNKNOWN', message: String(lastError) };
}

export function presentDeadJob(job: JobRow): DeadJob {
  return {
    jobId: job.job_id,
    source: job.source,
    priority: job.priority,
    mode: job.mode,
    reason: job.reason,
    attempts: job.attempts,
    lastError: presentJobError(job.last_error),
    queuedAt: job.queued_at.toISOString(),
    finishedAt: job.finished_at?.toISOString() ?? null,
  };
}

/** The tenant's latest dead jobs, newest (by queue time) first. */
export async function tenantDeadJobs(db: Kysely<SchedulerDatabase>, tenant: string, limit: number): Promise<DeadJob[]> {
  const jobs = await listJobs(db, { status: 'dead', tenant, limit });
  // listJobs skips its tenant filter for an empty tenant; never let a row of another through.
  return jobs.filter((job) => job.tenant === tenant).map(presentDeadJob);
}
