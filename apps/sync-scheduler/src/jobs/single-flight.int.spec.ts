// Single flight against the real Postgres: any number of revalidate requests for one
// source, from any number of scheduler replicas, make one job; a higher priority raises
// a queued job; the ledger follows the workers' job events and records deaths.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { createEventStoreDb, readStream } from '@freshet/event-store';
import type { FreshetEvent, RevalidateRequest } from '@freshet/contracts';
import { createSchema, dropSchema, testNames, TEST_DATABASE_URL } from '@freshet/testkit';
import type { SchedulerDatabase } from '../db/scheduler-tables';
import { migrateScheduler } from '../db/migrate-scheduler';
import { deleteFinishedBefore, findFollowUpOwner, findJob, jobStats, listJobs } from './job-repository';
import { applyJobEvent } from './ledger-projector';
import { revalidate } from './revalidate';

const names = testNames('sched');
const logger = pino({ level: 'silent' });
let replicaA: Kysely<SchedulerDatabase>;
let replicaB: Kysely<SchedulerDatabase>;

const request = (source: string, priority = 3): RevalidateRequest => ({ tenant: 'acme', source, priority, mode: 'incremental', reason: 'test' });
const forced = (source: string, priority = 10): RevalidateRequest => ({ ...request(source, priority), reason: 'refresh', force: true });
const started = (source: string, jobId: string, attempt = 1) =>
  ({ id: randomUUID(), type: 'job.started', tenant: 'acme', source, time: time(), data: { jobId, attempt, priority: 3 } }) as FreshetEvent;
const stats = { pages: 1, requests: 1, notModified: 0, created: 0, updated: 0, deleted: 0, unchanged: 1, skipped: 0, savedRequests: 0, durationMs: 5 };
const completed = (source: string, jobId: string) =>
  ({ id: randomUUID(), type: 'job.completed', tenant: 'acme', source, time: time(), data: { jobId, attempt: 1, notes: [], stats } }) as FreshetEvent;
const time = () => new Date().toISOString();

beforeAll(async () => {
  await createSchema(names.databaseSchema);
  replicaA = createEventStoreDb<SchedulerDatabase>({ connectionString: TEST_DATABASE_URL, schema: names.databaseSchema, poolMax: 10 });
  replicaB = createEventStoreDb<SchedulerDatabase>({ connectionString: TEST_DATABASE_URL, schema: names.databaseSchema, poolMax: 10 });
  await migrateScheduler(replicaA, names.databaseSchema);
});

afterAll(async () => {
  await replicaA?.destroy();
  await replicaB?.destroy();
  await dropSchema(names.databaseSchema);
});

describe('single flight', () => {
  it('turns 10,000 concurrent requests for one source, across two replicas, into one job', async () => {
    const outcomes = await Promise.all(Array.from({ length: 10_000 }, (_, i) => revalidate(i % 2 ? replicaA : replicaB, request('flood'))));
    const jobIds = new Set(outcomes.map((o) => o.jobId));
    expect(jobIds.size).toBe(1);
    expect(outcomes.filter((o) => !o.joined)).toHaveLength(1);
    expect(outcomes.filter((o) => o.dispatch)).toHaveLength(1);
    const jobs = await listJobs(replicaA, { limit: 10 });
    expect(jobs.filter((j) => j.source === 'flood')).toHaveLength(1);
    const [jobId] = jobIds;
    const events = (await readStream(replicaA, `job:${jobId}`)).events.map((e) => e.event.type);
    expect(events).toEqual(['job.queued']);
  });

  it('raises a queued job to a higher priority and asks for it to be dispatched again', async () => {
    const first = await revalidate(replicaA, request('raise', 3));
    const lower = await revalidate(replicaB, request('raise', 0));
    expect(lower).toMatchObject({ jobId: first.jobId, joined: true, priority: 3, dispatch: false });
    const higher = await revalidate(replicaB, request('raise', 10));
    expect(higher).toMatchObject({ jobId: first.jobId, joined: true, priority: 10, dispatch: true });
    expect((await findJob(replicaA, first.jobId))?.priority).toBe(10);
  });

  it('queues a new job once the previous one finished', async () => {
    const first = await revalidate(replicaA, request('again'));
    await applyJobEvent(replicaA, { id: randomUUID(), type: 'job.started', tenant: 'acme', source: 'again', time: time(), data: { jobId: first.jobId, attempt: 1, priority: 3 } } as FreshetEvent, logger);
    expect(await revalidate(replicaB, request('again'))).toMatchObject({ jobId: first.jobId, joined: true, status: 'running' });
    await applyJobEvent(
      replicaA,
      {
        id: randomUUID(),
        type: 'job.completed',
        tenant: 'acme',
        source: 'again',
        time: time(),
        data: { jobId: first.jobId, attempt: 1, notes: [], stats: { pages: 1, requests: 1, notModified: 0, created: 1, updated: 0, deleted: 0, unchanged: 0, skipped: 0, savedRequests: 0, durationMs: 5 } },
      } as FreshetEvent,
      logger,
    );
    const next = await revalidate(replicaB, request('again'));
    expect(next.joined).toBe(false);
    expect(next.jobId).not.toBe(first.jobId);
  });
});

describe('the ledger', () => {
  it('marks a job dead on its final failure, records job.dead once, and ignores late events', async () => {
    const { jobId } = await revalidate(replicaA, request('doomed'));
    const error = { code: 'UPSTREAM_HTTP_ERROR', message: 'upstream answered 503', retryable: true };
    const failed = (attempt: number, willRetry: boolean) =>
      ({ id: randomUUID(), type: 'job.failed', tenant: 'acme', source: 'doomed', time: time(), data: { jobId, attempt, error, willRetry } }) as FreshetEvent;
    expect(await applyJobEvent(replicaA, failed(1, true), logger)).toMatchObject({ status: 'retrying' });
    expect((await revalidate(replicaB, request('doomed'))).joined).toBe(true); // a retrying job still holds its source
    const finalFailure = failed(3, false);
    expect(await applyJobEvent(replicaA, finalFailure, logger)).toEqual({ status: 'dead' });
    expect(await applyJobEvent(replicaA, finalFailure, logger)).toBeUndefined(); // redelivered
    expect(await findJob(replicaA, jobId)).toMatchObject({ status: 'dead', attempts: 3, last_error: error });
    const events = (await readStream(replicaA, `job:${jobId}`)).events.map((e) => e.event.type);
    expect(events).toEqual(['job.queued', 'job.dead']);
  });

  it('tracks a job it did not queue, from the worker events', async () => {
    const jobId = randomUUID();
    await applyJobEvent(replicaA, { id: randomUUID(), type: 'job.started', tenant: 'acme', source: 'direct', time: time(), data: { jobId, attempt: 1, priority: 10 } } as FreshetEvent, logger);
    expect(await findJob(replicaA, jobId)).toMatchObject({ status: 'running', priority: 10, reason: 'external' });
  });

  it('answers stats by status, type and priority with the oldest queued age', async () => {
    const stats = await jobStats(replicaA, new Date(Date.now() + 1000));
    expect(stats.total).toBe(stats.byStatus.queued + stats.byStatus.running + stats.byStatus.retrying + stats.byStatus.completed + stats.byStatus.dead);
    expect(stats.byStatus.dead).toBe(1);
    expect(stats.byType).toEqual({ sync: stats.total });
    expect(stats.byPriority['10']).toBeGreaterThanOrEqual(2);
    expect(stats.oldestQueuedAgeMs).toBeGreaterThanOrEqual(1000);
  });

  it('cleans up finished jobs older than the retention, and only those', async () => {
    const old = await revalidate(replicaA, request('old-news'));
    await replicaA.updateTable('jobs').set({ status: 'completed', finished_at: new Date(Date.now() - 8 * 86_400_000) }).where('job_id', '=', old.jobId).execute();
    const recent = await revalidate(replicaA, request('recent-news'));
    await replicaA.updateTable('jobs').set({ status: 'completed', finished_at: new Date() }).where('job_id', '=', recent.jobId).execute();
    const active = await revalidate(replicaA, request('ongoing'));
    expect(await deleteFinishedBefore(replicaA, new Date(Date.now() - 7 * 86_400_000))).toBe(1);
    expect(await findJob(replicaA, old.jobId)).toBeUndefined();
    expect(await findJob(replicaA, recent.jobId)).toBeDefined();
    expect(await findJob(replicaA, active.jobId)).toBeDefined();
  });
});

describe('forced requests (a manual refresh)', () => {
  it('join a job still queued: it has not read anything yet', async () => {
    const queued = await revalidate(replicaA, request('forced-queued'));
    expect(await revalidate(replicaB, forced('forced-queued'))).toMatchObject({ jobId: queued.jobId, joined: true, status: 'queued' });
  });

  it('get one follow-up of a running job, shared by every forced request, raised to the highest priority; others join the running job', async () => {
    const running = await revalidate(replicaA, request('forced-running', 3));
    await applyJobEvent(replicaA, started('forced-running', running.jobId), logger);

    const first = await revalidate(replicaB, forced('forced-running', 5));
    expect(first).toMatchObject({ joined: false, status: 'queued', priority: 5, dispatch: false, after: running.jobId });
    expect(first.jobId).not.toBe(running.jobId);
    expect(await findJob(replicaA, first.jobId)).toBeUndefined(); // no row while the running job holds the source

    const flood = await Promise.all(Array.from({ length: 200 }, (_, i) => revalidate(i % 2 ? replicaA : replicaB, forced('forced-running', 5))));
    expect(new Set(flood.map((o) => o.jobId))).toEqual(new Set([first.jobId]));
    expect(flood.every((o) => o.joined && !o.dispatch)).toBe(true);
    expect(await revalidate(replicaA, request('forced-running', 10))).toMatchObject({ jobId: running.jobId, joined: true, status: 'running' });

    const higher = await revalidate(replicaA, { ...forced('forced-running', 10), mode: 'full' });
    expect(higher).toMatchObject({ jobId: first.jobId, joined: true, priority: 10 });
    expect((await findFollowUpOwner(replicaB, first.jobId))?.follow_up).toMatchObject({ jobId: first.jobId, priority: 10, mode: 'full', reason: 'refresh' });
  });

  it('queue the follow-up with job.queued as the running job completes, for the caller to dispatch', async () => {
    const running = await revalidate(replicaA, request('forced-handover'));
    await applyJobEvent(replicaA, started('forced-handover', running.jobId), logger);
    const followUp = await revalidate(replicaB, forced('forced-handover'));

    const applied = await applyJobEvent(replicaA, completed('forced-handover', running.jobId), logger);
    expect(applied).toMatchObject({ status: 'completed', followUp: { job_id: followUp.jobId, source: 'forced-handover', priority: 10, reason: 'refresh' } });
    expect(await findJob(replicaA, followUp.jobId)).toMatchObject({ status: 'queued', priority: 10, dispatched_at: null });
    expect(await findFollowUpOwner(replicaA, followUp.jobId)).toBeUndefined();
    expect((await readStream(replicaA, `job:${followUp.jobId}`)).events.map((e) => e.event.type)).toEqual(['job.queued']);

    expect(await applyJobEvent(replicaA, completed('forced-handover', running.jobId), logger)).toBeUndefined(); // redelivered: queued once
    expect(await revalidate(replicaB, forced('forced-handover'))).toMatchObject({ jobId: followUp.jobId, joined: true, status: 'queued' });
  });

  it('queue the follow-up when the running job dies too, and join a retrying job (its next attempt starts later)', async () => {
    const running = await revalidate(replicaA, request('forced-doomed'));
    await applyJobEvent(replicaA, started('forced-doomed', running.jobId), logger);
    const error = { code: 'UPSTREAM_HTTP_ERROR', message: 'upstream answered 503', retryable: true };
    const failed = (attempt: number, willRetry: boolean) =>
      ({ id: randomUUID(), type: 'job.failed', tenant: 'acme', source: 'forced-doomed', time: time(), data: { jobId: running.jobId, attempt, error, willRetry } }) as FreshetEvent;
    await applyJobEvent(replicaA, failed(1, true), logger);
    expect(await revalidate(replicaB, forced('forced-doomed'))).toMatchObject({ jobId: running.jobId, joined: true, status: 'retrying' });

    await applyJobEvent(replicaA, started('forced-doomed', running.jobId, 2), logger);
    const followUp = await revalidate(replicaB, forced('forced-doomed'));
    expect(followUp.after).toBe(running.jobId);
    expect(await applyJobEvent(replicaA, failed(2, false), logger)).toMatchObject({ status: 'dead', followUp: { job_id: followUp.jobId } });
    expect(await findJob(replicaA, followUp.jobId)).toMatchObject({ status: 'queued' });
  });
});
