// Sends a job's sync command to the work queue on its priority tier, and records that it
// went out. A command that fails to publish leaves the job undispatched; the sweep sends
// it again. Duplicate commands for one job are harmless: ingest acks a command whose job
// already completed, and its source lock keeps two runs apart.
import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Kysely } from 'kysely';
import { publishSyncCommand } from '@freshet/bus';
import type { SyncMode } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';
import type { JobRow, SchedulerDatabase } from '../db/scheduler-tables';
import { findStaleActive, findUndispatched, markDispatched } from './job-repository';

type DispatchableJob = Pick<JobRow, 'job_id' | 'tenant' | 'source' | 'priority' | 'mode' | 'reason' | 'trace'>;

export interface Dispatcher {
  dispatch(job: DispatchableJob): Promise<boolean>;
  sweep(limit?: number): Promise<number>;
}

export function createDispatcher(
  db: Kysely<SchedulerDatabase>,
  js: JetStreamClient,
  prefix: string,
  logger: Logger,
  /** Active jobs silent for this long get their command sent again. */
  staleAfterMs = 15 * 60_000,
): Dispatcher {
  const dispatch = async (job: DispatchableJob): Promise<boolean> => {
    try {
      await publishSyncCommand(js, prefix, {
        type: 'sync.requested',
        commandId: randomUUID(),
        jobId: job.job_id,
        tenant: job.tenant,
        source: job.source,
        priority: job.priority,
        mode: job.mode as SyncMode,
        reason: job.reason,
        requestedAt: new Date().toISOString(),
        // The job's own trace, also when the sweep sends it again from a timer (decision 0013).
        ...(job.trace ? { trace: job.trace } : {}),
      });
      await markDispatched(db, job.job_id, new Date());
      return true;
    } catch (error) {
      logger.warn({ err: error, jobId: job.job_id }, 'dispatch failed; the sweep will send it again');
      return false;
    }
  };
  return {
    dispatch,
    async sweep(limit = 500) {
      let sent = 0;
      for (const job of await findUndispatched(db, limit)) if (await dispatch(job)) sent += 1;
      for (const job of await findStaleActive(db, new Date(Date.now() - staleAfterMs), limit)) {
        logger.warn({ jobId: job.job_id, status: job.status, lastHeardOf: job.updated_at }, 'active job silent too long; sending its command again');
        if (await dispatch(job)) sent += 1;
      }
      return sent;
    },
  };
}
