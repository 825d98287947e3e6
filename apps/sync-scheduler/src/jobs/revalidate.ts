// Single flight: a request to sync a source joins the job already queued or running for
// it, or queues a new one — decided in one transaction under the ledger's unique
// "one active job per source" index, so it holds across scheduler replicas. A higher
// priority raises a queued job (and re-dispatches it on the higher tier). A new job's
// job.queued event is appended in the same transaction (the scheduler's outbox).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendToStream } from '@freshet/event-store';
import type { RevalidateRequest } from '@freshet/contracts';
import type { JobRow, SchedulerDatabase } from '../db/scheduler-tables';
import { findActiveJobForUpdate, insertJob, raisePriority } from './job-repository';

export interface RevalidateOutcome {
  jobId: string;
  joined: boolean;
  priority: number;
  status: 'queued' | 'running' | 'retrying';
  /** The job's command must be (re)published. */
  dispatch: boolean;
  job: Pick<JobRow, 'job_id' | 'tenant' | 'source' | 'priority' | 'mode' | 'reason'>;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

export async function revalidate(db: Kysely<SchedulerDatabase>, request: RevalidateRequest, now: () => Date = () => new Date()): Promise<RevalidateOutcome> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await db.transaction().execute(async (trx) => {
        const active = await findActiveJobForUpdate(trx, request.tenant, request.source);
        if (active) {
          const status = active.status as RevalidateOutcome['status'];
          const raise = request.priority > active.priority && active.status === 'queued';
          if (raise) await raisePriority(trx, active.job_id, request.priority);
          const priority = raise ? request.priority : active.priority;
          return { jobId: active.job_id, joined: true, priority, status, dispatch: raise, job: { ...active, priority } };
        }
        const jobId = randomUUID();
        const queuedAt = now();
        const job = { jobId, tenant: request.tenant, source: request.source, priority: request.priority, mode: request.mode, reason: request.reason, queuedAt };
        await insertJob(trx, job);
        await appendToStream(
          trx,
          `job:${jobId}`,
          [
            {
              type: 'job.queued',
              tenant: request.tenant,
              source: request.source,
              time: queuedAt.toISOString(),
              data: { jobId, priority: request.priority, mode: request.mode, reason: request.reason },
            },
          ],
          { expectedVersion: 'no_stream' },
        );
        return {
          jobId,
          joined: false,
          priority: request.priority,
          status: 'queued' as const,
          dispatch: true,
          job: { job_id: jobId, tenant: request.tenant, source: request.source, priority: request.priority, mode: request.mode, reason: request.reason },
        };
      });
    } catch (error) {
      // Another replica queued a job for this source between our read and our insert:
      // run again and join it.
      if (isUniqueViolation(error) && attempt < 3) continue;
      throw error;
    }
  }
}
