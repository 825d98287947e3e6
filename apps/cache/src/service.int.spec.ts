// The cache as a running service on the real servers: events published on a test stream
// build the Redis projection; snapshots are read over HTTP and NATS with a stand-in ingest
// answering get-source.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { readStreamBounds, requestJson } from '@freshet/bus';
import { RPC, rpcSubject, snapshotReplySchema, type FreshetEvent, type SnapshotPage, type UpstreamRecord } from '@freshet/contracts';
import { testNames, waitFor, TEST_REDIS_URL } from '@freshet/testkit';
import { testCacheConfig } from './testing/test-config';
import { closeTestConnections, openTestConnections } from './testing/test-connections';
import { answerGetSource } from './testing/stand-in-ingest';
import { contentCreated, contentDeleted, contentUpdated, jobCompleted } from './testing/test-events';
import { publishAll as publishAllOn } from './testing/publish-events';
import { readSnapshot } from './testing/read-snapshot';
import { startCache, type RunningCache } from './service';
import { startProjectionConsumer } from './projection/projection-consumer';
import { trackGeneration } from './projection/generation';
import { decodeCursor, encodeCursor } from './snapshots/cursor';
import { metrics as otelMetrics } from '@opentelemetry/api';

const names = testNames('cachesvc');
const TENANT = 'acme';
const jobId = randomUUID();
const silent = pino({ level: 'silent' });
let nc: NatsConnection;
let js: JetStreamClient;
let raw: Redis;
let cache: RunningCache;
let directory: Subscription;
const sourceLookups = new Map<string, number>();
/** The stand-in ingest's sources and their staleAfterMs. */
const sources: Record<string, number> = { orders: 3_600_000, legacy: 1_000, paged: 3_600_000, filtered: 3_600_000, never: 60_000, robust: 3_600_000 };

const config = (overrides: Record<string, string> = {}) => testCacheConfig(names, overrides);

// Every event of this spec belongs to one job of the one tenant.
const created = (source: string, key: string, record: UpstreamRecord = { key }) => contentCreated(TENANT, source, key, { record, jobId });
const updated = (source: string, key: string, record: UpstreamRecord) => contentUpdated(TENANT, source, key, record, { jobId });
const deleted = (source: string, key: string) => contentDeleted(TENANT, source, key, { jobId });
const completed = (source: string, time: string) => jobCompleted(TENANT, source, { jobId, time });

const publishAll = (events: FreshetEvent[]) => publishAllOn(js, names.subjectPrefix, events);
const publish = (event: FreshetEvent) => publishAll([event]);

const http = async <T = SnapshotPage>(path: string) => {
  const res = await fetch(`${cache.url}${path}`);
  return { status: res.status, body: (await res.json()) as T };
};
const snapshot = (source: string, query = '') => readSnapshot(cache.url, TENANT, source, query);
/** Waits until the view reflects `seq`. */
const reflected = (source: string, seq: number, query = '') =>
  waitFor(async () => {
    const page = await snapshot(source, query);
    return page.meta.seq >= seq ? page : undefined;
  }, { message: `${source} reflecting seq ${seq}` });
const caughtUp = (durable: string) =>
  waitFor(async () => {
    const info = await (await jetstreamManager(nc)).consumers.info(names.eventsStream, durable);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  }, { message: `consumer ${durable} caught up` });
const walk = async (source: string, limit: number, extra = '') => {
  const pages: SnapshotPage[] = [];
  let cursor: string | undefined;
  do {
    const page = await snapshot(source, `?limit=${limit}${extra}${cursor ? `&cursor=${cursor}` : ''}`);
    pages.push(page);
    cursor = page.next;
  } while (cursor !== undefined && pages.length < 100);
  return pages;
};

beforeAll(async () => {
  ({ nc, js, raw } = await openTestConnections(names));
  directory = answerGetSource(nc, names.subjectPrefix, (tenant, source) => {
    sourceLookups.set(source, (sourceLookups.get(source) ?? 0) + 1);
    const staleAfterMs = sources[source];
    return staleAfterMs !== undefined && tenant === TENANT ? { staleAfterMs } : undefined;
  });
  cache = await startCache(config(), silent);
});

afterAll(() => closeTestConnections(names, { nc, raw }, { caches: [cache], subscriptions: [directory] }));

describe('cache projection', () => {
  it('reflects created, updated and deleted records, the count, the last sync and the exact sequence', async () => {
    const syncedAt = new Date(Date.now() - 60_000).toISOString();
    const last = await publishAll([
      created('orders', 'o1', { id: 1, total: 10 }),
      created('orders', 'o2', { id: 2, total: 20 }),
      created('orders', 'o3', { id: 3, total: 30 }),
      updated('orders', 'o2', { id: 2, total: 25 }),
      deleted('orders', 'o3'),
      completed('orders', syncedAt),
    ]);
    const page = await reflected('orders', last);
    expect(page.records).toEqual([
      { key: 'o1', record: { id: 1, total: 10 } },
      { key: 'o2', record: { id: 2, total: 25 } },
    ]);
    expect(page.next).toBeUndefined();
    expect(page.meta).toMatchObject({ seq: last, lastSyncedAt: syncedAt, staleAfterMs: 3_600_000, state: 'fresh', servedFrom: 'cache', count: 2 });
    expect(page.meta.ageMs).toBeGreaterThanOrEqual(60_000);
    expect(page.meta.ageMs).toBeLessThan(120_000);
    expect(await raw.hgetall(`${names.redisKeyPrefix}src:{${TENANT}}:orders:records`)).toEqual({
      o1: JSON.stringify({ id: 1, total: 10 }),
      o2: JSON.stringify({ id: 2, total: 25 }),
    });
    expect(await raw.hgetall(`${names.redisKeyPrefix}src:{${TENANT}}:orders:meta`)).toMatchObject({ seq: String(last), count: '2', lastSyncedAt: syncedAt });
  });

  it('acks events of other families and terminates malformed content events without touching the view', async () => {
    const first = await publish(created('robust', 'r1'));
    const before = await reflected('robust', first);
    await js.publish(`${names.subjectPrefix}.evt.${TENANT}.robust.cache.written`, JSON.stringify({ id: randomUUID(), type: 'cache.written', tenant: TENANT, source: 'robust' }));
    await js.publish(`${names.subjectPrefix}.evt.${TENANT}.robust.content.created`, JSON.stringify({ id: randomUUID(), type: 'content.created', tenant: TENANT, source: 'robust', data: {} }));
    await js.publish(`${names.subjectPrefix}.evt.${TENANT}.robust.job.started`, 'not json');
    await caughtUp('cache-projection');
    expect(await snapshot('robust')).toEqual({ ...before, meta: { ...before.meta, ageMs: null } });
    // …and the stream goes on behind them.
    const next = await publish(created('robust', 'r2'));
    expect((await reflected('robust', next)).records.map((r) => r.key)).toEqual(['r1', 'r2']);
  });

  it('ignores and counts events of a source the directory does not know', async () => {
    await publish(created('ghost', 'g1'));
    const after = await publish(created('robust', 'r-after-ghost'));
    await reflected('robust', after);
    expect(await raw.exists(`${names.redisKeyPrefix}src:{${TENANT}}:ghost:records`, `${names.redisKeyPrefix}src:{${TENANT}}:ghost:meta`)).toBe(0);
    const exposition = await (await fetch(`${cache.url}/metrics`)).text();
    const line = exposition.split('\n').find((l) => l.startsWith('freshet_cache_unknown_source_events_total') && l.includes('type="content.created"'));
    expect(Number(line?.split(' ').at(-1))).toBeGreaterThanOrEqual(1);
  });

  it('is idempotent end to end: a second consumer replaying the whole stream into the same view applies nothing', async () => {
    await caughtUp('cache-projection');
    const before = await Promise.all(['orders', 'robust'].map((s) => snapshot(s)));
    const redis = new Redis(TEST_REDIS_URL, { keyPrefix: names.redisKeyPrefix });
    const applied: number[] = [];
    const generation = trackGeneration({
      redis,
      epoch: (await readStreamBounds(nc, names.eventsStream)).epoch,
      trustNewAtStart: false,
      refreshMs: 60_000,
      onError: () => {},
    });
    const replay = await startProjectionConsumer({
      nc,
      redis,
      generation,
      meter: otelMetrics.getMeter('test'),
      isUnknownSource: async (_tenant, source) => !(source in sources),
      logger: silent,
      prefix: names.subjectPrefix,
      stream: names.eventsStream,
      durable: 'cache-replay',
      ackWaitMs: 30_000,
      onApplied: ({ seq }) => applied.push(seq),
    });
    try {
      await caughtUp('cache-replay');
    } finally {
      await replay.stop();
      generation.stop();
      redis.disconnect();
    }
    expect(applied).toEqual([]);
    const after = await Promise.all(['orders', 'robust'].map((s) => snapshot(s)));
    // The same views. Only their position may have moved on: it is max(view seq, the
    // projection's applied floor), and the floor is read in the background (applied-floor.ts).
    const unpositioned = (pages: SnapshotPage[]) => pages.map((p) => ({ ...p, meta: { ...p.meta, ageMs: 0, seq: 0 } }));
    expect(unpositioned(after)).toEqual(unpositioned(before));
    after.forEach((page, i) => expect(page.meta.seq).toBeGreaterThanOrEqual(before[i]!.meta.seq));
  });
});

describe('snapshot reads', () => {
  it('pages through every record exactly once, every page at the same sequence', async () => {
    const keys = Array.from({ length: 25 }, (_, i) => `item-${String(i).padStart(2, '0')}`);
    const last = await publishAll(keys.map((k) => created('paged', k, { name: k })));
    await reflected('paged', last);
    const pages = await walk('paged', 7);
    expect(pages.map((p) => p.records.length)).toEqual([7, 7, 7, 4]);
    expect(pages.flatMap((p) => p.records.map((r) => r.key))).toEqual(keys);
    expect(new Set(pages.map((p) => p.meta.seq))).toEqual(new Set([last]));
    expect(pages.every((p) => p.meta.count === 25)).toBe(true);
  });

  it('pins a walk to its first page: snapshot + the stream after meta.seq equals the view, nothing missed or doubled', async () => {
    const first = await snapshot('paged', '?limit=5');
    const seq = first.meta.seq;
    // Changes while the client pages: one record in a later page updated, one created, one deleted.
    const last = await publishAll([
      updated('paged', 'item-20', { name: 'item-20', v: 2 }),
      created('paged', 'item-99', { name: 'item-99' }),
      deleted('paged', 'item-10'),
    ]);
    await reflected('paged', last);
    const rest: SnapshotPage[] = [];
    let cursor = first.next;
    while (cursor !== undefined) {
      const page = await snapshot('paged', `?limit=5&cursor=${cursor}`);
      rest.push(page);
      cursor = page.next;
    }
    expect(rest.every((p) => p.meta.seq === seq)).toBe(true);
    const walked = [first, ...rest].flatMap((p) => p.records);
    const walkedKeys = walked.map((r) => r.key);
    expect(walkedKeys).not.toContain('item-20'); // written after seq: the stream carries it
    expect(walkedKeys).not.toContain('item-99');
    expect(walkedKeys).not.toContain('item-10');
    expect(new Set(walkedKeys).size).toBe(walkedKeys.length);

    // Resume the source's events after seq and apply them on top: the client's view equals the cache's now.
    const jsm = await jetstreamManager(nc);
    const view = new Map(walked.map((r) => [r.key, r.record]));
    for (let s = seq + 1; s <= last; s++) {
      const msg = await jsm.streams.getMessage(names.eventsStream, { seq: s });
      if (!msg || !msg.subject.startsWith(`${names.subjectPrefix}.evt.${TENANT}.paged.content.`)) continue;
      const event = msg.json<FreshetEvent>();
      if (event.type === 'content.deleted') {
        expect(view.delete(event.data.key)).toBe(false); // never doubled: the walk did not serve it
      } else if (event.type === 'content.created' || event.type === 'content.updated') {
        expect(view.has(event.data.key)).toBe(false);
        view.set(event.data.key, event.data.record);
      }
    }
    const now = (await walk('paged', 1000)).flatMap((p) => p.records);
    expect(Object.fromEntries(view)).toEqual(Object.fromEntries(now.map((r) => [r.key, r.record])));
  });

  it('filters by key prefix and by updatedSince on updatedAt or a named field', async () => {
    const last = await publishAll([
      created('filtered', 'eu-1', { updatedAt: '2024-05-01T10:00:00Z', modified: 1 }),
      created('filtered', 'eu-2', { updatedAt: '2024-05-03T10:00:00Z', modified: Date.parse('2024-05-03T00:00:00Z') }),
      created('filtered', 'us-1', { updatedAt: '2024-05-04T10:00:00Z' }),
      created('filtered', 'us-2', {}),
    ]);
    await reflected('filtered', last);
    const keys = async (query: string) => (await walk('filtered', 2, query)).flatMap((p) => p.records.map((r) => r.key));
    expect(await keys('&prefix=eu-')).toEqual(['eu-1', 'eu-2']);
    expect(await keys('&prefix=us')).toEqual(['us-1', 'us-2']);
    expect(await keys('&prefix=x')).toEqual([]);
    expect(await keys('&updatedSince=2024-05-02T00:00:00Z')).toEqual(['eu-2', 'us-1']);
    expect(await keys('&prefix=eu-&updatedSince=2024-05-02T00:00:00Z')).toEqual(['eu-2']);
    expect(await keys('&updatedSince=2024-05-02T00:00:00Z&updatedField=modified')).toEqual(['eu-2']);
  });

  it('says fresh or stale by the source\'s staleAfter (stale data starts a revalidation), and no age when never synced', async () => {
    const last = await publishAll([created('legacy', 'l1'), completed('legacy', new Date(Date.now() - 3_600_000).toISOString())]);
    const legacy = await reflected('legacy', last);
    expect(legacy.meta).toMatchObject({ staleAfterMs: 1_000, state: 'revalidating', count: 1 });
    expect(legacy.meta.ageMs).toBeGreaterThanOrEqual(3_600_000);

    const never = await snapshot('never');
    // Nothing of this source yet: an empty view as of how far the projection has got.
    expect(never.meta.seq).toBeGreaterThanOrEqual(0);
    expect(never).toEqual({
      records: [],
      meta: { seq: never.meta.seq, epoch: never.meta.epoch, lastSyncedAt: null, ageMs: null, staleAfterMs: 60_000, state: 'revalidating', servedFrom: 'cache', count: 0 },
    });
  });

  it('answers 404 for an unknown source and 400 for bad parameters', async () => {
    const unknown = await http<{ error: string; message: string }>(`/internal/v1/snapshots/${TENANT}/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('SOURCE_NOT_FOUND');
    expect(unknown.body.message).toContain('nope');
    expect((await http(`/internal/v1/snapshots/other/orders`)).status).toBe(404);

    for (const query of ['?limit=0', '?limit=1001', '?limit=abc', '?updatedSince=yesterday', '?updatedField=a.b', '?cursor=%21%21', '?cursor=YWJj', '?colour=red']) {
      const res = await http<{ error: string }>(`/internal/v1/snapshots/${TENANT}/orders${query}`);
      expect(res.status, query).toBe(400);
      expect(['VALIDATION_FAILED', 'BAD_CURSOR']).toContain(res.body.error);
    }
    expect((await http(`/internal/v1/snapshots/a.b/orders`)).status).toBe(400);
  });

  it('refuses a cursor from a view rebuilt, or a stream recreated, since its first page', async () => {
    const first = await snapshot('paged', '?limit=5');
    expect(first.meta.epoch).toMatch(/^[A-Za-z0-9_-]+$/);
    const cursor = decodeCursor(first.next ?? '');
    expect(cursor).toMatchObject({ origin: 'cache', epoch: first.meta.epoch, seq: first.meta.seq });
    for (const changed of [{ ...cursor, incarnation: 'another-build' }, { ...cursor, epoch: 'old-stream' }]) {
      const res = await http<{ error: string }>(`/internal/v1/snapshots/${TENANT}/paged?cursor=${encodeCursor(changed)}`);
      expect(res.status).toBe(409);
      expect(res.body.error).toBe('SNAPSHOT_RESET');
    }
  });

  it('answers the same over NATS request/reply', async () => {
    const subject = rpcSubject(names.subjectPrefix, RPC.cache.service, RPC.cache.snapshot);
    const reply = await requestJson(nc, subject, { tenant: TENANT, source: 'orders', limit: 1 }, snapshotReplySchema, 5_000);
    const viaHttp = await snapshot('orders', '?limit=1');
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    expect(reply.records).toEqual(viaHttp.records);
    expect(reply.meta.seq).toBe(viaHttp.meta.seq);
    expect(reply.next).toBeDefined();
    const second = await requestJson(nc, subject, { tenant: TENANT, source: 'orders', limit: 1, cursor: reply.next }, snapshotReplySchema, 5_000);
    expect(second.ok && second.records.map((r) => r.key)).toEqual(['o2']);

    expect(await requestJson(nc, subject, { tenant: TENANT, source: 'nope' }, snapshotReplySchema, 5_000)).toEqual({
      ok: false,
      error: { code: 'SOURCE_NOT_FOUND', message: `source ${TENANT}/nope does not exist` },
    });
    const bad = await requestJson(nc, subject, { tenant: TENANT, source: 'orders', limit: 0 }, snapshotReplySchema, 5_000);
    expect(bad.ok ? 'ok' : bad.error.code).toBe('BAD_REQUEST');
    const badCursor = await requestJson(nc, subject, { tenant: TENANT, source: 'orders', cursor: 'zz' }, snapshotReplySchema, 5_000);
    expect(badCursor.ok ? 'ok' : badCursor.error.code).toBe('BAD_CURSOR');
  });

  it('asks ingest for a source definition once per TTL, not on every read', async () => {
    await snapshot('orders');
    const lookups = sourceLookups.get('orders') ?? 0;
    await Promise.all(Array.from({ length: 20 }, () => snapshot('orders')));
    expect(sourceLookups.get('orders')).toBe(lookups);
  });
});
