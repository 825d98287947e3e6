// The cache's admin RPCs (freshness, stats) on the running service, against the real Redis
// and NATS with a stand-in ingest directory: each tenant's views and read counters only,
// the state a snapshot would report without starting any revalidation, counters that add
// up across replicas and survive in Redis, and CACHE_UNAVAILABLE when Redis is gone.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { requestJson } from '@freshet/bus';
import {
  RPC,
  cacheFreshnessReplySchema,
  cacheStatsReplySchema,
  rpcSubject,
  snapshotReplySchema,
  type CacheFreshnessReply,
  type CacheFreshnessRequestInput,
  type CacheStatsReply,
} from '@freshet/contracts';
import { testNames, waitFor, TEST_REDIS_URL } from '@freshet/testkit';
import { testCacheConfig } from '../testing/test-config';
import { closeTestConnections, openTestConnections } from '../testing/test-connections';
import { answerGetSource } from '../testing/stand-in-ingest';
import { contentCreated, jobCompleted } from '../testing/test-events';
import { publishAll } from '../testing/publish-events';
import { viewSeq } from '../testing/view-position';
import { startCache, type RunningCache } from '../service';
import { createReadStats, loadReadStats, readStatsKey } from './read-stats';
import { startCacheAdminRpc } from './cache-admin-rpc';
import type { SourceDirectory } from '../snapshots/source-directory';

const names = testNames('cacheadmin');
const silent = pino({ level: 'silent' });
const HOUR = 3_600_000;
/** The stand-in ingest: tenant → source → staleAfterMs. */
const directorySources: Record<string, Record<string, number>> = {
  acme: { orders: HOUR, stock: 120_000, empty: HOUR },
  globex: { orders: HOUR },
};
let nc: NatsConnection;
let js: JetStreamClient;
let raw: Redis;
let cache: RunningCache;
let directory: Subscription;

const subject = (method: string) => rpcSubject(names.subjectPrefix, RPC.cache.service, method);
const freshness = async (request: CacheFreshnessRequestInput) => {
  const reply: CacheFreshnessReply = await requestJson(nc, subject(RPC.cache.freshness), request, cacheFreshnessReplySchema, 5_000);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return Object.fromEntries(reply.sources.map((s) => [s.source, s]));
};
const stats = async (tenant: string) => {
  const reply: CacheStatsReply = await requestJson(nc, subject(RPC.cache.stats), { tenant }, cacheStatsReplySchema, 5_000);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.reads;
};
const snapshot = async (tenant: string, source: string) => {
  const reply = await requestJson(nc, subject(RPC.cache.snapshot), { tenant, source }, snapshotReplySchema, 5_000);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply;
};

const jobId = randomUUID();
const created = (tenant: string, source: string, key: string) => contentCreated(tenant, source, key, { record: { key, owner: tenant }, jobId });
const completed = (tenant: string, source: string, time: string) => jobCompleted(tenant, source, { jobId, time });
const metaSeq = (tenant: string, source: string) => viewSeq(raw, names.redisKeyPrefix, tenant, source);

const acmeSyncedAt = new Date(Date.now() - 60_000).toISOString();
const globexSyncedAt = new Date(Date.now() - 5 * 60_000).toISOString();
let acmeSeq = 0;
let globexSeq = 0;

beforeAll(async () => {
  ({ nc, js, raw } = await openTestConnections(names));
  directory = answerGetSource(nc, names.subjectPrefix, (tenant, source) => {
    const staleAfterMs = directorySources[tenant]?.[source];
    return staleAfterMs !== undefined ? { staleAfterMs } : undefined;
  });
  cache = await startCache(testCacheConfig(names, { CACHE_RPC_TIMEOUT_MS: '300', CACHE_METRICS_INTERVAL_MS: '60000' }), silent);
  acmeSeq = await publishAll(js, names.subjectPrefix, [created('acme', 'orders', 'a1'), created('acme', 'orders', 'a2'), completed('acme', 'orders', acmeSyncedAt)]);
  globexSeq = await publishAll(js, names.subjectPrefix, [
    ...['g1', 'g2', 'g3', 'g4', 'g5'].map((k) => created('globex', 'orders', k)),
    completed('globex', 'orders', globexSyncedAt),
  ]);
  await waitFor(async () => (await metaSeq('acme', 'orders')) >= acmeSeq && (await metaSeq('globex', 'orders')) >= globexSeq, { message: 'views applied' });
});

afterAll(() => closeTestConnections(names, { nc, raw }, { caches: [cache], subscriptions: [directory] }));

describe('cache.freshness', () => {
  it("answers each tenant's own views: seq, count, last sync, age and state", async () => {
    const acme = await freshness({ tenant: 'acme', sources: [{ source: 'orders', staleAfterMs: HOUR }, { source: 'stock' }, { source: 'ghost' }] });
    expect(acme['orders']).toMatchObject({ seq: acmeSeq, count: 2, lastSyncedAt: acmeSyncedAt, staleAfterMs: HOUR, state: 'fresh' });
    expect(acme['orders']?.ageMs).toBeGreaterThanOrEqual(60_000);
    // No view yet; staleAfter asked from the directory.
    expect(acme['stock']).toEqual({ source: 'stock', seq: 0, count: 0, lastSyncedAt: null, ageMs: null, staleAfterMs: 120_000, state: 'stale' });
    // Unknown to the directory: reported without a staleAfter.
    expect(acme['ghost']).toMatchObject({ staleAfterMs: null, state: 'stale', count: 0 });

    const globex = await freshness({ tenant: 'globex', sources: [{ source: 'orders', staleAfterMs: 60_000 }] });
    expect(globex['orders']).toMatchObject({ seq: globexSeq, count: 5, lastSyncedAt: globexSyncedAt, state: 'stale' });
    expect(acme['orders']?.seq).not.toBe(globex['orders']?.seq);
  });

  it('says revalidating while a revalidation is in flight, and error (with why) after a recent failure, never starting one', async () => {
    const marker = `${names.redisKeyPrefix}src:{acme}:stock:revalidating`;
    await raw.set(marker, randomUUID(), 'PX', 60_000);
    expect((await freshness({ tenant: 'acme', sources: [{ source: 'stock' }] }))['stock']?.state).toBe('revalidating');
    await raw.del(marker);

    const [seconds] = await raw.time();
    await raw.hset(`${names.redisKeyPrefix}src:{acme}:stock:meta`, 'error', 'UPSTREAM_HTTP_ERROR: upstream answered 500', 'errorAt', String(Number(seconds) * 1000));
    expect((await freshness({ tenant: 'acme', sources: [{ source: 'stock' }] }))['stock']).toMatchObject({ state: 'error', error: 'UPSTREAM_HTTP_ERROR: upstream answered 500' });
    // Another tenant's source of the same name is untouched by it.
    expect((await freshness({ tenant: 'globex', sources: [{ source: 'stock' }] }))['stock']).toMatchObject({ state: 'stale', staleAfterMs: null });
    // Observing claimed nothing.
    expect(await raw.exists(marker)).toBe(0);
  });

  it('refuses a bad request', async () => {
    const reply = await requestJson(nc, subject(RPC.cache.freshness), { tenant: 'a.*', sources: [] }, cacheFreshnessReplySchema, 5_000);
    expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});

describe('cache.stats', () => {
  it("counts each tenant's snapshot reads in Redis: hits, misses, ratio and where they were served from", async () => {
    expect(await stats('acme')).toEqual({ hits: 0, misses: 0, hitRatio: null, servedFrom: { cache: 0, database: 0, upstream: 0 }, since: null });
    for (let i = 0; i < 3; i += 1) expect((await snapshot('acme', 'orders')).meta.servedFrom).toBe('cache');
    await snapshot('acme', 'empty'); // never synced, no records: a miss
    const acme = await stats('acme');
    expect(acme).toMatchObject({ hits: 3, misses: 1, hitRatio: 0.75, servedFrom: { cache: 4, database: 0, upstream: 0 } });
    expect(Date.parse(acme.since ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(await stats('globex')).toMatchObject({ hits: 0, misses: 0, hitRatio: null });

    await snapshot('globex', 'orders');
    expect(await stats('globex')).toMatchObject({ hits: 1, misses: 0, hitRatio: 1 });
    expect(await stats('acme')).toMatchObject({ hits: 3, misses: 1 });
    expect(await raw.hgetall(`${names.redisKeyPrefix}${readStatsKey('acme')}`)).toMatchObject({ hits: '3', misses: '1', 'servedFrom:cache': '4' });
  });

  it('adds up the counts of every replica, and keeps them in Redis', async () => {
    const redis = new Redis(TEST_REDIS_URL, { keyPrefix: names.redisKeyPrefix });
    try {
      const one = createReadStats({ redis, logger: silent, flushMs: 60_000 });
      const two = createReadStats({ redis, logger: silent, flushMs: 60_000 });
      one.record('initech', { hit: true, servedFrom: 'cache' });
      two.record('initech', { hit: false, servedFrom: 'database' });
      two.record('initech', { hit: true, servedFrom: 'cache' });
      expect((await loadReadStats(redis, 'initech')).hits).toBe(0); // nothing written before a flush
      await Promise.all([one.stop(), two.stop()]);
      expect(await loadReadStats(redis, 'initech')).toMatchObject({ hits: 2, misses: 1, servedFrom: { cache: 2, database: 1, upstream: 0 } });
    } finally {
      redis.disconnect();
    }
  });
});

describe('with Redis gone', () => {
  it('answers CACHE_UNAVAILABLE rather than nothing', async () => {
    const gone = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    gone.on('error', () => undefined);
    const prefix = `${names.subjectPrefix}_gone`;
    const neverAsked: SourceDirectory = { get: () => Promise.reject(new Error('not asked')) };
    const rpc = startCacheAdminRpc(nc, prefix, { redis: gone, directory: neverAsked, retryAfterMs: 1_000 }, silent);
    try {
      for (const [method, schema, request] of [
        [RPC.cache.freshness, cacheFreshnessReplySchema, { tenant: 'acme', sources: [{ source: 'orders', staleAfterMs: HOUR }] }],
        [RPC.cache.stats, cacheStatsReplySchema, { tenant: 'acme' }],
      ] as const) {
        const reply = await requestJson(nc, rpcSubject(prefix, RPC.cache.service, method), request, schema, 5_000);
        expect(reply).toMatchObject({ ok: false, error: { code: 'CACHE_UNAVAILABLE' } });
      }
    } finally {
      rpc.unsubscribe();
      gone.disconnect();
    }
  });
});
