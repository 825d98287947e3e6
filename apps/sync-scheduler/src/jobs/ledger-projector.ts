// Keeps the job ledger in step with the workers: a durable consumer of every job.* event
// on the bus. Each event is applied in one transaction with the ledger row locked; a job
// whose failure was final is marked dead and job.dead is appended in that transaction.
// Redelivered or late events change nothing (see the decider). A job that ends with a
// follow-up waiting (forced requests that came while it ran) hands its source over to the
// follow-up in the same transaction: its row and job.queued; the caller dispatches it.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely, Transaction } from 'kysely';
import { consumeDurable, ensureDurableConsumer, type ConsumerHandle } from '@freshet/bus';
import { eventFilter, freshetEventSchema, type FreshetEvent } from '@freshet/contracts';
import { appendToStream } from '@freshet/event-store';
import type { Logger } from '@freshet/telemetry';
import type { JobRow, JobStatus, SchedulerDatabase } from '../db/scheduler-tables';
import { decideLedgerChange } from './job-ledger.decider';
import { findActiveJob, findJob, insertJob, updateJob } from './job-repository';

export interface ProjectorOptions {
  nc: NatsConnection;
  db: Kysely<SchedulerDatabase>;
  prefix: string;
  eventsStream: string;
  durable: string;
  logger: Logger;
  onChange?: (event: FreshetEvent, status: string) => void;
  /** A follow-up got its row as the job before it ended: send its command. */
  onFollowUpQueued?: (job: QueuedFollowUp) => Promise<unknown>;
}

export type QueuedFollowUp = Pick<JobRow, 'job_id' | 'tenant' | 'source' | 'priority' | 'mode' | 'reason' | 'trace'>;

export interface AppliedJobEvent {
  status: JobStatus;
  /** The follow-up queued because this event ended its job. */
  followUp?: QueuedFollowUp;
}

export async function applyJobEvent(db: Kysely<SchedulerDatabase>, event: FreshetEvent, logger: Logger): Promise<AppliedJobEvent | undefined> {
  if (!('jobId' in event.data)) return undefined;
  const jobId = event.data.jobId;
  return db.transaction().execute(async (trx) => {
    let job = await findJob(trx, jobId, true);
    if (!job) {
      if (event.type === 'job.queued' || event.type === 'job.dead') return undefined;
      // A job the scheduler did not queue (a command published directly): track it too.
      const priority = event.type === 'job.started' ? event.data.priority : 0;
      await insertJob(trx, { jobId, tenant: event.tenant, source: event.source, priority, mode: 'incremental', reason: 'external', queuedAt: new Date(event.time) });
      job = await findJob(trx, jobId, true);
      if (!job) return undefined;
    }
    const change = decideLedgerChange({ status: job.status, attempts: job.attempts }, event);
    if (change.kind === 'ignore') {
      logger.debug({ jobId, type: event.type, reason: change.reason }, 'job event ignored');
      return undefined;
    }
    await updateJob(trx, jobId, change);
    if (change.dead) {
      await appendToStream(
        trx,
        `job:${jobId}`,
        [{ type: 'job.dead', tenant: event.tenant, source: event.source, time: event.time, data: { jobId, attempts: change.attempts, error: change.dead.error } }],
        { expectedVersion: 'any' },
      );
    }
    const followUp = change.status === 'completed' || change.status === 'dead' ? await queueFollowUp(trx, job, logger) : undefined;
    return { status: change.status, ...(followUp ? { followUp } : {}) };
  });
}

async function queueFollowUp(trx: Transaction<SchedulerDatabase>, ended: JobRow, logger: Logger): Promise<QueuedFollowUp | undefined> {
  const followUp = ended.follow_up;
  if (!followUp) return undefined;
  // The ended job held the source's one active slot until this transaction; nothing else can hold it.
  const holder = await findActiveJob(trx, ended.tenant, ended.source);
  if (holder) {
    logger.warn({ jobId: ended.job_id, followUp: followUp.jobId, holder: holder.job_id }, 'follow-up not queued: another job holds the source');
    return undefined;
  }
  const queuedAt = new Date(followUp.requestedAt);
  const job = { jobId: followUp.jobId, tenant: ended.tenant, source: ended.source, priority: followUp.priority, mode: followUp.mode, reason: followUp.reason, queuedAt, ...(followUp.trace ? { trace: followUp.trace } : {}) };
  await insertJob(trx, job);
  await appendToStream(
    trx,
    `job:${followUp.jobId}`,
    [{ type: 'job.queued', tenant: ended.tenant, source: ended.source, time: new Date().toISOString(), data: { jobId: followUp.jobId, priority: followUp.priority, mode: followUp.mode === 'full' ? 'full' : 'incremental', reason: followUp.reason } }],
    { expectedVersion: 'no_stream' },
  );
  return { job_id: followUp.jobId, tenant: ended.tenant, source: ended.source, priority: followUp.priority, mode: followUp.mode, reason: followUp.reason, trace: followUp.trace ?? null };
}

export async function startLedgerProjector(options: ProjectorOptions): Promise<ConsumerHandle> {
  await ensureDurableConsumer(options.nc, {
    stream: options.eventsStream,
    durable: options.durable,
    filterSubject: eventFilter(options.prefix, { family: 'job' }),
    ackWaitMs: 30_000,
    maxAckPending: 256,
    maxDeliver: 20,
  });
  return consumeDurable({
    nc: options.nc,
    stream: options.eventsStream,
    durable: options.durable,
    schema: freshetEventSchema,
    logger: options.logger,
    handler: async (event) => {
      const applied = await applyJobEvent(options.db, event, options.logger);
      if (applied) options.onChange?.(event, applied.status);
      // A failed send leaves the follow-up undispatched: the dispatch sweep sends it.
      if (applied?.followUp) await options.onFollowUpQueued?.(applied.followUp);
      return { ack: true };
    },
  });
}
