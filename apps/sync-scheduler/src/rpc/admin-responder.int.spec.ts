// The scheduler's admin RPCs (overview, retry) on the running service, against the real
// Postgres ledger and NATS: stats and dead jobs are the tenant's own, a retry reaches only
// the tenant's dead jobs, and a job of another tenant is answered like a missing one.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { requestJson } from '@freshet/bus';
import { createEventStoreDb } from '@freshet/event-store';
import {
  RPC,
  retryJobReplySchema,
  rpcSubject,
  schedulerOverviewReplySchema,
  type RetryJobReply,
  type SchedulerOverviewReply,
} from '@freshet/contracts';
import { deleteStreams, dropSchema, testNames, TEST_DATABASE_URL, TEST_NATS_URL } from '@freshet/testkit';
import type { JobStatus, SchedulerDatabase } from '../db/scheduler-tables';
import { startTestScheduler } from '../testing/test-scheduler';

const names = testNames('schedadmin');
const schema = `${names.databaseSchema}_scheduler`;
let nc: NatsConnection;
let db: Kysely<SchedulerDatabase>;
let scheduler: { url: string; stop(): Promise<void> };

const overview = (payload: unknown): Promise<SchedulerOverviewReply> =>
  requestJson(nc, rpcSubject(names.subjectPrefix, RPC.scheduler.service, RPC.scheduler.overview), payload, schedulerOverviewReplySchema, 5_000);
const retry = (payload: unknown): Promise<RetryJobReply> =>
  requestJson(nc, rpcSubject(names.subjectPrefix, RPC.scheduler.service, RPC.scheduler.retry), payload, retryJobReplySchema, 5_000);

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
async function insertJob(job: { tenant: string; source: string; status: JobStatus; priority: number; queuedAt: Date; lastError?: unknown }): Promise<string> {
  const jobId = randomUUID();
  const finished = job.status === 'dead' || job.status === 'completed';
  await db
    .insertInto('jobs')
    .values({
      job_id: jobId,
      type: 'sync',
      tenant: job.tenant,
      source: job.source,
      priority: job.priority,
      mode: 'incremental',
      reason: 'test',
      status: job.status,
      attempts: finished ? 3 : 0,
      last_error: job.lastError === undefined ? null : JSON.stringify(job.lastError),
      stats: null,
      queued_at: job.queuedAt,
      finished_at: finished ? new Date(job.queuedAt.getTime() + 1_000) : null,
    })
    .execute();
  return jobId;
}

const jobs: Record<string, string> = {};

beforeAll(async () => {
  nc = await connect({ servers: TEST_NATS_URL });
  scheduler = await startTestScheduler(names, schema, { SCHEDULER_SCAN_ENABLED: 'false' });
  db = createEventStoreDb<SchedulerDatabase>({ connectionString: TEST_DATABASE_URL, schema });
  jobs['acmeQueued'] = await insertJob({ tenant: 'acme', source: 'orders', status: 'queued', priority: 10, queuedAt: minutesAgo(5) });
  jobs['acmeDeadBilling'] = await insertJob({
    tenant: 'acme',
    source: 'billing',
    status: 'dead',
    priority: 5,
    queuedAt: minutesAgo(30),
    lastError: { code: 'UPSTREAM_HTTP_ERROR', message: 'upstream answered 401', retryable: false },
  });
  jobs['acmeDeadOrders'] = await insertJob({ tenant: 'acme', source: 'orders', status: 'dead', priority: 3, queuedAt: minutesAgo(20), lastError: 'legacy text error' });
  jobs['acmeCompleted'] = await insertJob({ tenant: 'acme', source: 'orders', status: 'completed', priority: 3, queuedAt: minutesAgo(60) });
  jobs['globexDead'] = await insertJob({
    tenant: 'globex',
    source: 'billing',
    status: 'dead',
    priority: 5,
    queuedAt: minutesAgo(1),
    lastError: { code: 'SECRET_OF_GLOBEX', message: 'globex only', retryable: false },
  });
  jobs['globexRunning'] = await insertJob({ tenant: 'globex', source: 'orders', status: 'running', priority: 10, queuedAt: minutesAgo(2) });
});

afterAll(async () => {
  await scheduler?.stop();
  await db?.destroy();
  await nc?.close();
  await dropSchema(schema);
  await deleteStreams([names.eventsStream, names.commandsStream]);
});

describe('scheduler.overview', () => {
  it("answers the tenant's job stats and dead jobs with their errors, newest first, and nothing of another tenant", async () => {
    const reply = await overview({ tenant: 'acme' });
    if (!reply.ok) throw new Error(reply.error.message);
    expect(reply.jobs.byStatus).toEqual({ queued: 1, running: 0, retrying: 0, completed: 1, dead: 2 });
    expect(reply.jobs.byPriority).toEqual({ '10': 1, '5': 1, '3': 2 });
    expect(reply.jobs.total).toBe(4);
    expect(reply.jobs.oldestQueuedAgeMs).toBeGreaterThanOrEqual(5 * 60_000 - 1_000);
    expect(reply.deadJobs.map((j) => j.jobId)).toEqual([jobs['acmeDeadOrders'], jobs['acmeDeadBilling']]);
    expect(reply.deadJobs[1]).toMatchObject({ source: 'billing', priority: 5, attempts: 3, lastError: { code: 'UPSTREAM_HTTP_ERROR', message: 'upstream answered 401' } });
    expect(reply.deadJobs[0]?.lastError).toEqual({ code: 'UNKNOWN', message: 'legacy text error' });
    expect(JSON.stringify(reply)).not.toContain('globex');
    expect(JSON.stringify(reply)).not.toContain(jobs['globexDead']);

    const limited = await overview({ tenant: 'acme', deadLimit: 1 });
    expect(limited.ok && limited.deadJobs.map((j) => j.jobId)).toEqual([jobs['acmeDeadOrders']]);

    const other = await overview({ tenant: 'globex' });
    if (!other.ok) throw new Error(other.error.message);
    expect(other.jobs.byStatus).toMatchObject({ running: 1, dead: 1, queued: 0 });
    expect(other.deadJobs.map((j) => j.jobId)).toEqual([jobs['globexDead']]);

    const nobody = await overview({ tenant: 'initech' });
    expect(nobody).toMatchObject({ ok: true, jobs: { total: 0, oldestQueuedAgeMs: null, byPriority: {} }, deadJobs: [] });
  });

  it('refuses a bad request', async () => {
    expect(await overview({ tenant: 'a.b' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await overview({ tenant: 'acme', deadLimit: 1000 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});

describe('scheduler.retry', () => {
  it("answers another tenant's job exactly like a missing one, and touches nothing", async () => {
    const foreign = await retry({ tenant: 'acme', jobId: jobs['globexDead'] });
    const missing = await retry({ tenant: 'acme', jobId: randomUUID() });
    expect(foreign).toEqual({ ok: false, error: { code: 'JOB_NOT_FOUND', message: `job ${jobs['globexDead']} does not exist` } });
    expect(missing).toMatchObject({ ok: false, error: { code: 'JOB_NOT_FOUND' } });
    const globexJobs = await db.selectFrom('jobs').select(['job_id', 'status']).where('tenant', '=', 'globex').execute();
    expect(globexJobs).toHaveLength(2);
  });

  it('refuses a job that is not dead, and a bad job id', async () => {
    expect(await retry({ tenant: 'acme', jobId: jobs['acmeQueued'] })).toMatchObject({ ok: false, error: { code: 'JOB_NOT_DEAD' } });
    expect(await retry({ tenant: 'acme', jobId: 'not-a-uuid' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it("retries the tenant's dead job as a new job, or joins the one already active on its source", async () => {
    const fresh = await retry({ tenant: 'acme', jobId: jobs['acmeDeadBilling'] });
    if (!fresh.ok) throw new Error(fresh.error.message);
    expect(fresh).toMatchObject({ retryOf: jobs['acmeDeadBilling'], joined: false, priority: 5, status: 'queued' });
    const row = await db.selectFrom('jobs').selectAll().where('job_id', '=', fresh.jobId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ tenant: 'acme', source: 'billing', status: 'queued', reason: `retry of dead job ${jobs['acmeDeadBilling']}` });

    const joined = await retry({ tenant: 'acme', jobId: jobs['acmeDeadOrders'] });
    expect(joined).toMatchObject({ ok: true, retryOf: jobs['acmeDeadOrders'], jobId: jobs['acmeQueued'], joined: true });
  });
});
