// Pure: how a job.* event changes a job's ledger row. Workers' events can arrive twice
// or late (redelivery, a retried attempt), so a transition never leaves a final state
// and never goes back to an older attempt.
import type { FreshetEvent, JobError } from '@freshet/contracts';
import type { JobStatus } from '../db/scheduler-tables';

export interface LedgerState {
  status: JobStatus;
  attempts: number;
}

export type LedgerChange =
  | { kind: 'ignore'; reason: string }
  | {
      kind: 'update';
      status: JobStatus;
      attempts: number;
      startedAt?: string;
      finishedAt?: string;
      lastError?: JobError;
      stats?: unknown;
      /** The failure was final: the scheduler records job.dead. */
      dead?: { error: JobError };
    };

const FINAL: readonly JobStatus[] = ['completed', 'dead'];

export function decideLedgerChange(state: LedgerState, event: FreshetEvent): LedgerChange {
  if (FINAL.includes(state.status)) return { kind: 'ignore', reason: `job already ${state.status}` };
  switch (event.type) {
    case 'job.started':
      if (event.data.attempt < state.attempts) return { kind: 'ignore', reason: 'start of an older attempt' };
      return { kind: 'update', status: 'running', attempts: event.data.attempt, startedAt: event.time };
    case 'job.completed':
      return { kind: 'update', status: 'completed', attempts: Math.max(state.attempts, event.data.attempt), finishedAt: event.time, stats: event.data.stats };
    case 'job.failed':
      if (event.data.attempt < state.attempts) return { kind: 'ignore', reason: 'failure of an older attempt' };
      return event.data.willRetry
        ? { kind: 'update', status: 'retrying', attempts: event.data.attempt, lastError: event.data.error }
        : {
            kind: 'update',
            status: 'dead',
            attempts: event.data.attempt,
            finishedAt: event.time,
            lastError: event.data.error,
            dead: { error: event.data.error },
          };
    case 'job.queued':
    case 'job.dead':
      return { kind: 'ignore', reason: `${event.type} is the scheduler's own` };
    default:
      return { kind: 'ignore', reason: `${event.type} does not change a job` };
  }
}
