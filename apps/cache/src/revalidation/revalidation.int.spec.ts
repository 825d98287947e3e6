// Stale-while-revalidate on the real servers: two cache replicas sharing Redis and the
// events stream, a stand-in ingest (get-source) and a stand-in scheduler (revalidate)
// that counts the syncs it is asked for.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { respondJson } from '@freshet/bus';
import { RPC, revalidateRequestSchema, rpcSubject, type FreshetEvent, type JobError, type SourceStatus } from '@freshet/contracts';
import { testNames, waitFor } from '@freshet/testkit';
import { testCacheConfig } from '../testing/test-config';
import { closeTestConnections, openTestConnections } from '../testing/test-connections';
import { answerGetSource } from '../testing/stand-in-ingest';
import { contentCreated, eventEnvelope, jobCompleted } from '../testing/test-events';
import { publishAll } from '../testing/publish-events';
import { readSnapshot } from '../testing/read-snapshot';
import { viewSeq } from '../testing/view-position';
import { startCache, type RunningCache } from '../service';

const names = testNames('cacheswr');
const TENANT = 'acme';
const HOUR = 3_600_000;
const silent = pino({ level: 'silent' });
/** The stand-in ingest's sources and their staleAfterMs. */
const sources: Record<string, number> = { stale1: 1_000, crowd: 1_000, fresh1: HOUR, broken: 1_000 };
/** The job id the stand-in scheduler answers for each source. */
const jobs = Object.fromEntries(Object.keys(sources).map((s) => [s, randomUUID()]));
const revalidations = new Map<string, { priority: number }[]>();
let nc: NatsConnection;
let js: JetStreamClient;
let raw: Redis;
let replicas: RunningCache[] = [];
const subscriptions: Subscription[] = [];

const config = () => testCacheConfig(names);

const envelope = (source: string) => eventEnvelope(TENANT, source);
const completed = (source: string, jobId: string, time: string) => jobCompleted(TENANT, source, { jobId, time });
const publish = (event: FreshetEvent) => publishAll(js, names.subjectPrefix, [event]);

const snapshot = (source: string, replica = 0) => readSnapshot(replicas[replica]!.url, TENANT, source);
const marker = (source: string) => raw.get(`${names.redisKeyPrefix}src:{${TENANT}}:${source}:revalidating`);
const statusSubject = (source: string) => `${names.subjectPrefix}.evt.${TENANT}.${source}.source.status`;
/** How many source.status events of the source are on the stream, and the last one. */
const statuses = async (source: string): Promise<{ count: number; last: SourceStatus | undefined }> => {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(names.eventsStream, { subjects_filter: statusSubject(source) });
  const count = info.state.subjects?.[statusSubject(source)] ?? 0;
  if (count === 0) return { count, last: undefined };
  const msg = await jsm.streams.getMessage(names.eventsStream, { last_by_subj: statusSubject(source) });
  return { count, last: msg?.json<SourceStatus>() };
};
/** Seeds a source with one record, synced `ageMs` ago, and waits until a read shows it. */
const seed = async (source: string, ageMs: number) => {
  await publish(contentCreated(TENANT, source, `${source}-1`));
  const last = await publish(completed(source, randomUUID(), new Date(Date.now() - ageMs).toISOString()));
  await waitFor(async () => (await viewSeq(raw, names.redisKeyPrefix, TENANT, source)) >= last, { message: `${source} seeded` });
};

beforeAll(async () => {
  ({ nc, js, raw } = await openTestConnections(names));
  subscriptions.push(
    answerGetSource(nc, names.subjectPrefix, (tenant, source) => {
      const staleAfterMs = sources[source];
      return staleAfterMs !== undefined && tenant === TENANT ? { staleAfterMs } : undefined;
    }),
    respondJson(
      nc,
      rpcSubject(names.subjectPrefix, RPC.scheduler.service, RPC.scheduler.revalidate),
      revalidateRequestSchema,
      silent,
      async ({ source, priority }) => {
        const seen = revalidations.get(source) ?? [];
        seen.push({ priority });
        revalidations.set(source, seen);
        await new Promise((r) => setTimeout(r, 100)); // a scheduler's transaction: widens any race
        return { ok: true, jobId: jobs[source] ?? randomUUID(), joined: seen.length > 1, priority, status: 'queued' };
      },
      'scheduler',
    ),
  );
  replicas = [await startCache(config(), silent), await startCache(config(), silent)];
});

afterAll(() => closeTestConnections(names, { nc, raw }, { caches: replicas, subscriptions }));

describe('stale-while-revalidate', () => {
  it('serves stale data at once as revalidating, asks the scheduler once at priority 10 and says so on the stream', async () => {
    await seed('stale1', HOUR);
    const page = await snapshot('stale1');
    expect(page.records.map((r) => r.key)).toEqual(['stale1-1']);
    expect(page.meta).toMatchObject({ state: 'revalidating', staleAfterMs: 1_000, servedFrom: 'cache' });
    expect(page.meta.ageMs).toBeGreaterThanOrEqual(HOUR);
    // The scheduler's job id is remembered as the source's revalidation.
    await waitFor(async () => (await marker('stale1')) === jobs.stale1, { message: 'job id remembered' });
    expect(revalidations.get('stale1')).toEqual([{ priority: 10 }]);
    const { count, last } = await statuses('stale1');
    expect(count).toBe(1);
    expect(last).toMatchObject({ type: 'source.status', tenant: TENANT, source: 'stale1', data: { state: 'revalidating' } });
    // Reads while it runs join it.
    expect((await snapshot('stale1', 1)).meta.state).toBe('revalidating');
    expect(revalidations.get('stale1')).toHaveLength(1);
  });

  it('turns 1,000 concurrent stale reads across 2 replicas into exactly one revalidation', async () => {
    await seed('crowd', HOUR);
    const pages = await Promise.all(Array.from({ length: 1_000 }, (_, i) => snapshot('crowd', i % 2)));
    expect(pages.every((p) => p.meta.state === 'revalidating' && p.records.length === 1)).toBe(true);
    await waitFor(async () => (await marker('crowd')) === jobs.crowd, { message: 'job id remembered' });
    await new Promise((r) => setTimeout(r, 200)); // any second request would have been sent by now
    expect(revalidations.get('crowd')).toHaveLength(1);
    expect((await statuses('crowd')).count).toBe(1);
  });

  it('never revalidates fresh data', async () => {
    await seed('fresh1', 1_000);
    const pages = await Promise.all([snapshot('fresh1', 0), snapshot('fresh1', 1)]);
    expect(pages.map((p) => p.meta.state)).toEqual(['fresh', 'fresh']);
    await new Promise((r) => setTimeout(r, 300));
    expect(revalidations.get('fresh1')).toBeUndefined();
    expect(await marker('fresh1')).toBeNull();
    expect((await statuses('fresh1')).count).toBe(0);
  });

  it('says fresh once the sync completes: a source.status fresh event, then fresh reads', async () => {
    expect(await marker('stale1')).toBe(jobs.stale1);
    const time = new Date().toISOString();
    await publish(completed('stale1', jobs.stale1 ?? '', time));
    const { last } = await waitFor(async () => {
      const s = await statuses('stale1');
      return s.last?.data.state === 'fresh' ? s : undefined;
    }, { message: 'source.status fresh' });
    expect(last?.data).toEqual({ state: 'fresh', jobId: jobs.stale1, lastSyncedAt: time });
    expect((await statuses('stale1')).count).toBe(2);
    expect(await marker('stale1')).toBeNull();
    const page = await snapshot('stale1', 1);
    expect(page.meta).toMatchObject({ state: 'fresh', lastSyncedAt: time });
    expect(revalidations.get('stale1')).toHaveLength(1);
  });

  it('says error with the reason when the revalidation dies, and keeps serving the old data', async () => {
    await seed('broken', HOUR);
    expect((await snapshot('broken')).meta.state).toBe('revalidating');
    await waitFor(async () => (await marker('broken')) === jobs.broken, { message: 'job id remembered' });
    const jobId = jobs.broken ?? '';
    const error: JobError = { code: 'UPSTREAM_HTTP_ERROR', message: 'upstream answered 500', retryable: true };
    // A retry on the way changes nothing; the final failure and the scheduler's job.dead end it once.
    await publish({ ...envelope('broken'), type: 'job.failed', data: { jobId, attempt: 1, error, willRetry: true } });
    await publish({ ...envelope('broken'), type: 'job.failed', data: { jobId, attempt: 3, error, willRetry: false } });
    await publish({ ...envelope('broken'), type: 'job.dead', data: { jobId, attempts: 3, error } });
    const { last } = await waitFor(async () => {
      const s = await statuses('broken');
      return s.last?.data.state === 'error' ? s : undefined;
    }, { message: 'source.status error' });
    expect(last?.data).toEqual({ state: 'error', jobId, reason: 'UPSTREAM_HTTP_ERROR: upstream answered 500' });
    await waitFor(async () => (await marker('broken')) === null, { message: 'revalidation ended' });
    for (const replica of [0, 1]) {
      const page = await snapshot('broken', replica);
      expect(page.records.map((r) => r.key)).toEqual(['broken-1']);
      expect(page.meta.state).toBe('error');
    }
    await new Promise((r) => setTimeout(r, 200));
    expect((await statuses('broken')).count).toBe(2); // revalidating, error
    expect(revalidations.get('broken')).toHaveLength(1); // no new sync asked while in error
  });
});
