// Single flight: a request to sync a source joins the job already queued or running for
// it, or queues a new one — decided in one transaction under the ledger's unique
// "one active job per source" index, so it holds across scheduler replicas. A higher
// priority raises a queued job (and re-dispatches it on the higher tier). A new job's
// job.queued event is appended in the same transaction (the scheduler's outbox).
// A forced request (a manual refresh) does not join a job already running, which may have
// read past the change the user just made: it gets the running job's one follow-up,
// queued when that job ends (see ledger-projector.ts), shared by every forced request
// meanwhile — still one sync at a time per source.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { context } from '@opentelemetry/api';
import { traceFieldsOf } from '@freshet/bus';
import { appendToStream } from '@freshet/event-store';
import type { RevalidateRequest } from '@freshet/contracts';
import type { FollowUp, JobRow, SchedulerDatabase } from '../db/scheduler-tables';
import { findActiveJob, findActiveJobForUpdate, insertJob, raisePriority, setFollowUp } from './job-repository';

export interface RevalidateOutcome {
  jobId: string;
  joined: boolean;
  priority: number;
  status: 'queued' | 'running' | 'retrying';
  /** The job's command must be (re)published. */
  dispatch: boolean;
  /** Set for a follow-up: the running job it waits for (it has no row until that one ends). */
  after?: string;
  job: Pick<JobRow, 'job_id' | 'tenant' | 'source' | 'priority' | 'mode' | 'reason' | 'trace'>;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

function joinedOutcome(active: JobRow, priority: number, dispatch: boolean): RevalidateOutcome {
  return { jobId: active.job_id, joined: true, priority, status: active.status as RevalidateOutcome['status'], dispatch, job: { ...active, priority } };
}

/** A forced request cannot be served by a run that has already started. */
const needsFollowUp = (request: RevalidateRequest, active: JobRow): boolean => request.force === true && active.status === 'running';

function followUpOutcome(active: JobRow, followUp: FollowUp, joined: boolean): RevalidateOutcome {
  return {
    jobId: followUp.jobId,
    joined,
    priority: followUp.priority,
    status: 'queued',
    dispatch: false, // sent when it gets its row, as the running job ends
    after: active.job_id,
    job: { job_id: followUp.jobId, tenant: active.tenant, source: active.source, priority: followUp.priority, mode: followUp.mode, reason: followUp.reason, trace: followUp.trace ?? null },
  };
}

/** The request's part in the running job's follow-up: a new one, or the one there raised to the request's priority and mode. */
async function followRunningJob(trx: Transaction<SchedulerDatabase>, active: JobRow, request: RevalidateRequest, now: () => Date): Promise<RevalidateOutcome> {
  const existing = active.follow_up;
  if (existing) {
    const merged: FollowUp = { ...existing, priority: Math.max(existing.priority, request.priority), mode: existing.mode === 'full' ? 'full' : request.mode };
    if (merged.priority !== existing.priority || merged.mode !== existing.mode) await setFollowUp(trx, active.job_id, merged);
    return followUpOutcome(active, merged, true);
  }
  const trace = traceFieldsOf(context.active());
  const followUp: FollowUp = { jobId: randomUUID(), priority: request.priority, mode: request.mode, reason: request.reason, requestedAt: now().toISOString(), ...(trace ? { trace } : {}) };
  await setFollowUp(trx, active.job_id, followUp);
  return followUpOutcome(active, followUp, false);
}

// Requests for one source that arrive while one is being decided in this process share
// its answer (they would join it anyway): a flood costs one transaction per replica.
const inflightByDb = new WeakMap<object, Map<string, { priority: number; force: boolean; answer: Promise<RevalidateOutcome> }>>();

export async function revalidate(db: Kysely<SchedulerDatabase>, request: RevalidateRequest, now: () => Date = () => new Date()): Promise<RevalidateOutcome> {
  let inflight = inflightByDb.get(db);
  if (!inflight) inflightByDb.set(db, (inflight = new Map()));
  const key = `${request.tenant}/${request.source}`;
  const running = inflight.get(key);
  const force = request.force === true;
  if (running && request.priority <= running.priority && (running.force || !force)) return { ...(await running.answer), joined: true, dispatch: false };
  const answer = decide(db, request, now);
  inflight.set(key, { priority: request.priority, force, answer });
  try {
    return await answer;
  } finally {
    if (inflight.get(key)?.answer === answer) inflight.delete(key);
  }
}

async function decide(db: Kysely<SchedulerDatabase>, request: RevalidateRequest, now: () => Date): Promise<RevalidateOutcome> {
  // Fast path for a flood: joining an active job that needs no change is a plain read,
  // no transaction and no row lock, so thousands of requests do not queue on one row.
  const seen = await findActiveJob(db, request.tenant, request.source);
  if (seen && needsFollowUp(request, seen)) {
    const followUp = seen.follow_up;
    if (followUp && request.priority <= followUp.priority && (followUp.mode === 'full' || request.mode !== 'full')) return followUpOutcome(seen, followUp, true);
  } else if (seen && !(request.priority > seen.priority && seen.status === 'queued')) return joinedOutcome(seen, seen.priority, false);

  for (let attempt = 0; ; attempt += 1) {
    try {
      return await db.transaction().execute(async (trx) => {
        const active = await findActiveJobForUpdate(trx, request.tenant, request.source);
        if (active && needsFollowUp(request, active)) return followRunningJob(trx, active, request, now);
        if (active) {
          const raise = request.priority > active.priority && active.status === 'queued';
          if (raise) await raisePriority(trx, active.job_id, request.priority);
          return joinedOutcome(active, raise ? request.priority : active.priority, raise);
        }
        const jobId = randomUUID();
        const queuedAt = now();
        // Kept with the job: its commands, even one sent again much later, join this request's trace.
        const trace = traceFieldsOf(context.active());
        const job = { jobId, tenant: request.tenant, source: request.source, priority: request.priority, mode: request.mode, reason: request.reason, queuedAt, trace };
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
          job: { job_id: jobId, tenant: request.tenant, source: request.source, priority: request.priority, mode: request.mode, reason: request.reason, trace: trace ?? null },
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
