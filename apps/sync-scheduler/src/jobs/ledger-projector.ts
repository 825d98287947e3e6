// Keeps the job ledger in step with the workers: a durable consumer of every job.* event
// on the bus. Each event is applied in one transaction with the ledger row locked; a job
// whose failure was final is marked dead and job.dead is appended in that transaction.
// Redelivered or late events change nothing (see the decider).
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import { consumeDurable, ensureDurableConsumer, type ConsumerHandle } from '@freshet/bus';
import { eventFilter, freshetEventSchema, type FreshetEvent } from '@freshet/contracts';
import { appendToStream } from '@freshet/event-store';
import type { Logger } from '@freshet/telemetry';
import type { SchedulerDatabase } from '../db/scheduler-tables';
import { decideLedgerChange } from './job-ledger.decider';
import { findJob, insertJob, updateJob } from './job-repository';

export interface ProjectorOptions {
  nc: NatsConnection;
  db: Kysely<SchedulerDatabase>;
  prefix: string;
  eventsStream: string;
  durable: string;
  logger: Logger;
  onChange?: (event: FreshetEvent, status: string) => void;
}

export async function applyJobEvent(db: Kysely<SchedulerDatabase>, event: FreshetEvent, logger: Logger): Promise<string | undefined> {
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
    return change.status;
  });
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
      const status = await applyJobEvent(options.db, event, options.logger);
      if (status) options.onChange?.(event, status);
      return { ack: true };
    },
  });
}
