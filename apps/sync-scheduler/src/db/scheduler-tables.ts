// The scheduler's own tables, next to its event store (job.queued / job.dead events) in
// its own schema: the job ledger, one row per job.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { TraceContext } from '@freshet/contracts';
import type { EventStoreDatabase } from '@freshet/event-store';

export const JOB_STATUSES = ['queued', 'running', 'retrying', 'completed', 'dead'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** A job in one of these states holds its source: new requests join it. */
export const ACTIVE_STATUSES: readonly JobStatus[] = ['queued', 'running', 'retrying'];

export interface JobsTable {
  job_id: string;
  type: string;
  tenant: string;
  source: string;
  priority: number;
  mode: string;
  reason: string;
  status: JobStatus;
  attempts: number;
  last_error: ColumnType<unknown, string | null, string | null>;
  stats: ColumnType<unknown, string | null, string | null>;
  queued_at: Date;
  dispatched_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Generated<Date>;
  /** W3C context of the request that queued the job: its commands join that trace. */
  trace: ColumnType<TraceContext | null, string | null | undefined, string | null>;
  /** The job queued when this running one ends, for forced requests that came while it ran. */
  follow_up: ColumnType<FollowUp | null, string | null | undefined, string | null>;
}

/** A job waiting for the running job of its source to end; it gets its row then. */
export interface FollowUp {
  jobId: string;
  priority: number;
  mode: string;
  reason: string;
  /** When the first forced request asked for it (the job's queued time). */
  requestedAt: string;
  trace?: TraceContext;
}

export type JobRow = Selectable<JobsTable>;
export type SchedulerDatabase = EventStoreDatabase & { jobs: JobsTable };
