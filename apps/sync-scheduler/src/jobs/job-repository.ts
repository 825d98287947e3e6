// The job ledger's reads and writes. Functions take `db | trx` first: the caller owns
// the transaction that also appends the matching event.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { TraceContext } from '@freshet/contracts';
import { ACTIVE_STATUSES, JOB_STATUSES, type FollowUp, type JobRow, type JobStatus, type SchedulerDatabase } from '../db/scheduler-tables';

type Db = Kysely<SchedulerDatabase> | Transaction<SchedulerDatabase>;

export interface NewJob {
  jobId: string;
  tenant: string;
  source: string;
  priority: number;
  mode: string;
  reason: string;
  queuedAt: Date;
  /** The queuing request's trace context, kept for the commands sent later. */
  trace?: TraceContext;
}

/** The job holding a source, if any (no lock). */
export async function findActiveJob(db: Db, tenant: string, source: string): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('tenant', '=', tenant).where('source', '=', source).where('status', 'in', ACTIVE_STATUSES).executeTakeFirst();
}

/** The job holding a source, locked for the caller's transaction. */
export async function findActiveJobForUpdate(db: Db, tenant: string, source: string): Promise<JobRow | undefined> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('source', '=', source)
    .where('status', 'in', ACTIVE_STATUSES)
    .forUpdate()
    .executeTakeFirst();
}

export async function findJob(db: Db, jobId: string, forUpdate = false): Promise<JobRow | undefined> {
  const query = db.selectFrom('jobs').selectAll().where('job_id', '=', jobId);
  return (forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

export async function insertJob(db: Db, job: NewJob): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      job_id: job.jobId,
      type: 'sync',
      tenant: job.tenant,
      source: job.source,
      priority: job.priority,
      mode: job.mode,
      reason: job.reason,
      status: 'queued',
      attempts: 0,
      last_error: null,
      stats: null,
      queued_at: job.queuedAt,
      trace: job.trace === undefined ? null : JSON.stringify(job.trace),
    })
    .execute();
}

export async function raisePriority(db: Db, jobId: string, priority: number): Promise<void> {
  await db.updateTable('jobs').set({ priority, dispatched_at: null, updated_at: new Date() }).where('job_id', '=', jobId).execute();
}

/** Attaches (or replaces) the follow-up of a running job; the caller holds the row's lock. */
export async function setFollowUp(db: Db, jobId: string, followUp: FollowUp): Promise<void> {
  await db.updateTable('jobs').set({ follow_up: JSON.stringify(followUp) }).where('job_id', '=', jobId).execute();
}

/** The active job whose follow-up has this id: the follow-up has no row of its own yet. */
export async function findFollowUpOwner(db: Db, followUpJobId: string): Promise<JobRow | undefined> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('status', 'in', ACTIVE_STATUSES)
    .where(sql<string>`follow_up->>'jobId'`, '=', followUpJobId)
    .executeTakeFirst();
}

export async function markDispatched(db: Db, jobId: string, at: Date): Promise<void> {
  await db.updateTable('jobs').set({ dispatched_at: at }).where('job_id', '=', jobId).execute();
}

/** Queued jobs whose command has not gone out (a publish failed, or a priority rose). */
export async function findUndispatched(db: Db, limit: number): Promise<JobRow[]> {
  return db.selectFrom('jobs').selectAll().where('status', '=', 'queued').where('dispatched_at', 'is', null).orderBy('priority', 'desc').orderBy('queued_at').limit(limit).execute();
}

/**
 * Active jobs nothing has been heard of for a while: a dispatched command that was lost
 * (a NATS crash, a delivery limit) or a worker that vanished. Without this a lost job
 * would hold its source for ever, and every later request would join it.
 */
export async function findStaleActive(db: Db, olderThan: Date, limit: number): Promise<JobRow[]> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('status', 'in', ACTIVE_STATUSES)
    .where('dispatched_at', 'is not', null)
    .where((eb) => eb.and([eb('updated_at', '<', olderThan), eb('dispatched_at', '<', olderThan)]))
    .orderBy('priority', 'desc')
    .limit(limit)
    .execute();
}

export interface LedgerPatch {
  status: JobStatus;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  lastError?: unknown;
  stats?: unknown;
}

export async function updateJob(db: Db, jobId: string, patch: LedgerPatch): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      status: patch.status,
      attempts: patch.attempts,
      ...(patch.startedAt ? { started_at: new Date(patch.startedAt) } : {}),
      ...(patch.finishedAt ? { finished_at: new Date(patch.finishedAt) } : {}),
      ...(patch.lastError !== undefined ? { last_error: JSON.stringify(patch.lastError) } : {}),
      ...(patch.stats !== undefined ? { stats: JSON.stringify(patch.stats) } : {}),
      updated_at: new Date(),
    })
    .where('job_id', '=', jobId)
    .execute();
}

export interface JobStats {
  byStatus: Record<JobStatus, number>;
  byType: Record<string, number>;
  byPriority: Record<string, number>;
  total: number;
  oldestQueuedAgeMs: number | null;
}

export async function jobStats(db: Db, now: Date): Promise<JobStats> {
  const rows = await db
    .selectFrom('jobs')
    .select(['status', 'type', 'priority', (eb) => eb.fn.countAll<string>().as('count'), (eb) => eb.fn.min('queued_at').as('oldest')])
    .groupBy(['status', 'type', 'priority'])
    .execute();
  const byStatus = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  const byType: Record<string, number> = {};
  const byPriority: Record<string, number> = {};
  let total = 0;
  let oldestQueued: Date | undefined;
  for (const row of rows) {
    const count = Number(row.count);
    byStatus[row.status] += count;
    byType[row.type] = (byType[row.type] ?? 0) + count;
    byPriority[String(row.priority)] = (byPriority[String(row.priority)] ?? 0) + count;
    total += count;
    if (row.status === 'queued' && row.oldest && (!oldestQueued || row.oldest < oldestQueued)) oldestQueued = row.oldest;
  }
  return { byStatus, byType, byPriority, total, oldestQueuedAgeMs: oldestQueued ? Math.max(0, now.getTime() - oldestQueued.getTime()) : null };
}

export async function listJobs(db: Db, filter: { status?: JobStatus; tenant?: string; limit: number }): Promise<JobRow[]> {
  let query = db.selectFrom('jobs').selectAll().orderBy('queued_at', 'desc').limit(filter.limit);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.tenant) query = query.where('tenant', '=', filter.tenant);
  return query.execute();
}

/** Removes finished jobs older than the cutoff; returns how many. */
export async function deleteFinishedBefore(db: Db, cutoff: Date): Promise<number> {
  const result = await db.deleteFrom('jobs').where('status', 'in', ['completed', 'dead']).where('finished_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Jobs by status and priority, and the oldest queued job's age: the metrics' view of the ledger, in one query. */
export async function ledgerCounts(db: Db, now: Date): Promise<{ rows: Array<{ status: JobStatus; priority: number; count: number }>; oldestQueuedSeconds: number | null }> {
  const rows = await db
    .selectFrom('jobs')
    .select(['status', 'priority', sql<string>`count(*)`.as('count'), (eb) => eb.fn.min('queued_at').as('oldest')])
    .groupBy(['status', 'priority'])
    .execute();
  let oldest: Date | undefined;
  for (const row of rows) if (row.status === 'queued' && row.oldest && (!oldest || row.oldest < oldest)) oldest = row.oldest;
  return {
    rows: rows.map((r) => ({ status: r.status, priority: r.priority, count: Number(r.count) })),
    oldestQueuedSeconds: oldest ? Math.max(0, now.getTime() - oldest.getTime()) / 1000 : null,
  };
}

export interface DeadJobsSinceSynced {
  tenant: string;
  source: string;
  /** Jobs that ended dead after the source's lastSyncedAt (all of them when it never synced). */
  deaths: number;
  lastDeathAt: Date;
}

/**
 * For the background scan's dead-job backoff: per source of one directory page, how many of
 * its jobs died since it last synced (its lastSyncedAt moves only when a sync completes, so
 * these are the deaths in a row) and when the latest died. One query per page; it reads
 * dead rows only (the status index), and returns only sources that have such deaths.
 */
export async function deadJobsSinceSynced(
  db: Db,
  sources: ReadonlyArray<{ tenant: string; source: string; lastSyncedAt: string | null }>,
): Promise<DeadJobsSinceSynced[]> {
  if (sources.length === 0) return [];
  const { rows } = await sql<{ tenant: string; source: string; deaths: string; last_death_at: Date }>`
    select j.tenant, j.source, count(*) as deaths, max(coalesce(j.finished_at, j.updated_at)) as last_death_at
    from jobs j
    join unnest(${sources.map((s) => s.tenant)}::text[], ${sources.map((s) => s.source)}::text[], ${sources.map((s) => s.lastSyncedAt)}::timestamptz[])
      as page(tenant, source, synced_at)
      on page.tenant = j.tenant and page.source = j.source
    where j.status = 'dead'
      and (page.synced_at is null or coalesce(j.finished_at, j.updated_at) > page.synced_at)
    group by j.tenant, j.source
  `.execute(db);
  return rows.map((r) => ({ tenant: r.tenant, source: r.source, deaths: Number(r.deaths), lastDeathAt: r.last_death_at }));
}
