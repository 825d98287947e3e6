// cache.written, cache.cleared, metrics.updated and the read counters on the real servers:
// a cache on a test stream and Redis prefix, a stand-in ingest answering get-source and
// get-records (from what the test seeded, as ingest's database would hold it), and a
// plain NATS subscription that sees every cache.* and metrics.* event published.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { busTopology, ensureStreams, publishEvent, respondJson } from '@freshet/bus';
import {
  RPC,
  TENANT_SCOPE_SOURCE,
  getRecordsRequestSchema,
  getSourceRequestSchema,
  rpcSubject,
  type CacheCleared,
  type CacheWritten,
  type FreshetEvent,
  type MetricsUpdated,
  type SnapshotPage,
} from '@freshet/contracts';
import { deleteStreams, testNames, waitFor, TEST_NATS_URL, TEST_REDIS_URL } from '@freshet/testkit';
import { testCacheConfig } from '../testing/test-config';
import { startCache, type RunningCache } from '../service';

const names = testNames('cacheevt');
const HOUR = 3_600_000;
const silent = pino({ level: 'silent' });
let nc: NatsConnection;
let js: JetStreamClient;
let raw: Redis;
let cache: RunningCache;
const subscriptions: Subscription[] = [];
const seen: FreshetEvent[] = [];
/** What the stand-in ingest's database holds: records by source, and when each was synced. */
const database = new Map<string, { records: Map<string, { key: string }>; lastSyncedAt: string | null }>();
const tableOf = (tenant: string, source: string) => {
  const id = `${tenant}/${source}`;
  const table = database.get(id) ?? { records: new Map(), lastSyncedAt: null };
  database.set(id, table);
  return table;
};

const envelope = (tenant: string, source: string, time = new Date().toISOString()) => ({ id: randomUUID(), tenant, source, time });
const created = (tenant: string, source: string, key: string): FreshetEvent => ({
  ...envelope(tenant, source),
  type: 'content.created',
  data: { key, hash: `h-${key}`, record: { key }, jobId: randomUUID() },
});
const completed = (tenant: string, source: string): FreshetEvent => ({
  ...envelope(tenant, source),
  type: 'job.completed',
  data: {
    jobId: randomUUID(),
    attempt: 1,
    notes: [],
    stats: { pages: 1, requests: 1, notModified: 0, created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0, savedRequests: 0, durationMs: 5 },
  },
});
const publish = async (event: FreshetEvent) => (await publishEvent(js, names.subjectPrefix, event)).seq;
const metaSeq = async (tenant: string, source: string) => Number(await raw.hget(`${names.redisKeyPrefix}src:{${tenant}}:${source}:meta`, 'seq'));
/** Publishes records and a completion, and waits until the view reflects them. */
const seed = async (tenant: string, source: string, records: number) => {
  const table = tableOf(tenant, source);
  for (let i = 0; i < records; i += 1) {
    const event = created(tenant, source, `${source}-${i}`);
    table.records.set(`${source}-${i}`, { key: `${source}-${i}` }); // committed before it is published
    await publish(event);
  }
  const done = completed(tenant, source);
  table.lastSyncedAt = done.time;
  const last = await publish(done);
  await waitFor(async () => (await metaSeq(tenant, source)) >= last, { message: `${tenant}/${source} seeded` });
};
const snapshot = async (tenant: string, source: string, query = ''): Promise<SnapshotPage> => {
  const res = await fetch(`${cache.url}/internal/v1/snapshots/${tenant}/${source}${query}`);
  const body = (await res.json()) as SnapshotPage;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
};
const keysOf = async (pattern: string) => {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${names.redisKeyPrefix}${pattern}`, 'COUNT', 500);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
};
const eventsOf = <E extends FreshetEvent>(type: E['type'], tenant: string, source?: string) =>
  seen.filter((e): e is E => e.type === type && e.tenant === tenant && (source === undefined || e.source === source));
function counterValue(exposition: string, metric: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== metric) continue;
    const text = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => text.includes(`${k}="${v}"`))) total += Number(match[3]);
  }
  return total;
}

beforeAll(async () => {
  nc = await connect({ servers: TEST_NATS_URL });
  js = jetstream(nc);
  raw = new Redis(TEST_REDIS_URL);
  await ensureStreams(nc, busTopology({ prefix: names.subjectPrefix, eventsStream: names.eventsStream, commandsStream: names.commandsStream, eventsMaxAgeMs: HOUR }), silent);
  for (const family of ['cache', 'metrics']) {
    const sub = nc.subscribe(`${names.subjectPrefix}.evt.*.*.${family}.>`);
    subscriptions.push(sub);
    void (async () => {
      for await (const msg of sub) seen.push(msg.json<FreshetEvent>());
    })();
  }
  subscriptions.push(
    respondJson(
      nc,
      rpcSubject(names.subjectPrefix, RPC.ingest.service, RPC.ingest.getSource),
      getSourceRequestSchema,
      silent,
      async ({ tenant, source }) => ({
        ok: true,
        source: { tenant, source, connector: { type: 'http-paged-list', baseUrl: 'http://x', path: '/x' }, staleAfterMs: HOUR, lastSyncedAt: null, recordCount: 0 },
      }),
      'ingest',
    ),
    respondJson(
      nc,
      rpcSubject(names.subjectPrefix, RPC.ingest.service, RPC.ingest.getRecords),
      getRecordsRequestSchema,
      silent,
      async ({ tenant, source, after, limit }) => {
        const table = tableOf(tenant, source);
        const keys = [...table.records.keys()].sort().filter((k) => after === undefined || k > after);
        const page = keys.slice(0, limit);
        return {
          ok: true,
          records: page.map((key) => ({ key, record: table.records.get(key) ?? {} })),
          ...(keys.length > limit ? { next: page.at(-1) } : {}),
          lastSyncedAt: table.lastSyncedAt,
          count: table.records.size,
        };
      },
      'ingest',
    ),
  );
  cache = await startCache(
    testCacheConfig(names, { CACHE_RPC_TIMEOUT_MS: '200' }),
    silent,
  );
});

afterAll(async () => {
  await cache?.stop();
  for (const sub of subscriptions) sub.unsubscribe();
  await nc?.close();
  await deleteStreams([names.eventsStream, names.commandsStream]);
  if (raw) {
    const keys = await keysOf('*');
    if (keys.length > 0) await raw.del(...keys);
    raw.disconnect();
  }
});

describe('cache.written', () => {
  it('coalesces a 1,000-record sync into a few events, the last with the final seq and count', async () => {
    const started = Date.now();
    let last = 0;
    for (let from = 0; from < 1_000; from += 100) {
      const seqs = await Promise.all(Array.from({ length: 100 }, (_, i) => publish(created('acme', 'bulk', `k-${from + i}`))));
      last = Math.max(last, ...seqs);
    }
    const final = await waitFor(
      () => eventsOf<CacheWritten>('cache.written', 'acme', 'bulk').find((e) => e.data.seq === last),
      { message: 'cache.written with the final seq', timeoutMs: 30_000 },
    );
    expect(final?.data).toEqual({ seq: last, count: 1_000 });
    const elapsedSeconds = (Date.now() - started) / 1_000;
    const events = eventsOf<CacheWritten>('cache.written', 'acme', 'bulk');
    // At most one per second of sync (plus the trailing one), never one per record.
    expect(events.length).toBeLessThanOrEqual(Math.ceil(elapsedSeconds) + 1);
    expect(events.map((e) => e.data.seq)).toEqual([...events.map((e) => e.data.seq)].sort((a, b) => a - b));
    // Job events change no records: no cache.written for them.
    await seed('acme', 'quiet', 0);
    await new Promise((r) => setTimeout(r, 1_300));
    expect(eventsOf('cache.written', 'acme', 'quiet')).toEqual([]);
  });
});

describe('admin clear', () => {
  it('clears a source: its view is gone, cache.cleared is published, reads use the database until it is rebuilt', async () => {
    await seed('acme', 'clr', 3);
    await seed('acme', 'kept', 1);
    expect((await snapshot('acme', 'clr')).records).toHaveLength(3);
    const res = await fetch(`${cache.url}/internal/v1/snapshots/acme/clr?reason=bad%20data`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ scope: 'source', tenant: 'acme', source: 'clr' });
    // Only the tombstone of its meta is left (and the source's definition): the view is partial.
    expect(await raw.hgetall(`${names.redisKeyPrefix}src:{acme}:clr:meta`)).toEqual({ generation: 'cleared' });
    expect((await keysOf('src:{acme}:clr:*')).sort()).toEqual([`${names.redisKeyPrefix}src:{acme}:clr:info`, `${names.redisKeyPrefix}src:{acme}:clr:meta`]);
    expect((await keysOf('src:{acme}:kept:*')).length).toBeGreaterThan(0);
    const cleared = await waitFor(() => eventsOf<CacheCleared>('cache.cleared', 'acme', 'clr')[0], { message: 'cache.cleared' });
    expect(cleared?.data).toEqual({ scope: 'source', reason: 'bad data' });
    // The next read is answered from the database, whole, and starts the rebuild.
    const fromDatabase = await snapshot('acme', 'clr');
    expect(fromDatabase.records.map((r) => r.key)).toEqual(['clr-0', 'clr-1', 'clr-2']);
    expect(fromDatabase.meta).toMatchObject({ servedFrom: 'database', count: 3, state: 'fresh' });
    const rebuilt = await waitFor(async () => {
      const page = await snapshot('acme', 'clr');
      return page.meta.servedFrom === 'cache' ? page : undefined;
    }, { message: 'view rebuilt' });
    expect(rebuilt?.records.map((r) => r.key)).toEqual(['clr-0', 'clr-1', 'clr-2']);
    expect(rebuilt?.meta).toMatchObject({ count: 3, state: 'fresh' });
    expect(rebuilt?.meta.seq).toBeGreaterThanOrEqual(fromDatabase.meta.seq);
    expect((await snapshot('acme', 'kept')).records).toHaveLength(1);
    // Later events go on from there.
    await publish(created('acme', 'clr', 'clr-9'));
    await waitFor(async () => (await snapshot('acme', 'clr')).records.length === 4, { message: 'event after the rebuild applied' });
  });

  it('clears a tenant with a SCAN over its keys only, and says so once for the tenant', async () => {
    await seed('beta', 'b1', 2);
    await seed('beta', 'b2', 2);
    await seed('beta2', 'b1', 1);
    const res = await fetch(`${cache.url}/internal/v1/snapshots/beta`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { keysDeleted: number };
    expect(body).toMatchObject({ scope: 'tenant', tenant: 'beta' });
    expect(body.keysDeleted).toBeGreaterThanOrEqual(8);
    // Every view's meta is left as a tombstone, nothing else.
    expect((await keysOf('src:{beta}:*')).sort()).toEqual([`${names.redisKeyPrefix}src:{beta}:b1:meta`, `${names.redisKeyPrefix}src:{beta}:b2:meta`]);
    expect((await keysOf('src:{beta2}:*')).length).toBeGreaterThan(0);
    const cleared = await waitFor(() => eventsOf<CacheCleared>('cache.cleared', 'beta')[0], { message: 'cache.cleared' });
    expect(cleared).toMatchObject({ source: TENANT_SCOPE_SOURCE, data: { scope: 'tenant', reason: 'admin clear' } });
    for (const source of ['b1', 'b2']) expect((await snapshot('beta', source)).meta).toMatchObject({ servedFrom: 'database', count: 2 });
    expect((await snapshot('beta2', 'b1')).records).toHaveLength(1);
  });

  it('rejects a bad tenant or source', async () => {
    expect((await fetch(`${cache.url}/internal/v1/snapshots/a.b/x`, { method: 'DELETE' })).status).toBe(400);
    expect((await fetch(`${cache.url}/internal/v1/snapshots/acme/x?reason=`, { method: 'DELETE' })).status).toBe(400);
  });
});

describe('corrupted entries', () => {
  it('detects a damaged record, counts it, answers from the database and rebuilds the view', async () => {
    await seed('acme', 'dmg', 3);
    expect((await snapshot('acme', 'dmg')).meta.servedFrom).toBe('cache');
    await raw.hset(`${names.redisKeyPrefix}src:{acme}:dmg:records`, 'dmg-1', 'garbage, not a record');
    // A page this replica already sent is kept in memory with the good bytes; another page
    // shape reads Redis and finds the damage.
    const damaged = await snapshot('acme', 'dmg', '?limit=50');
    expect(damaged.meta.servedFrom).toBe('database');
    expect(damaged.records).toEqual([0, 1, 2].map((i) => ({ key: `dmg-${i}`, record: { key: `dmg-${i}` } })));
    const metrics = await (await fetch(`${cache.url}/metrics`)).text();
    expect(counterValue(metrics, 'freshet_cache_corrupt_entries_total', { tenant: 'acme' })).toBeGreaterThanOrEqual(1);
    const repaired = await waitFor(async () => {
      const page = await snapshot('acme', 'dmg');
      return page.meta.servedFrom === 'cache' ? page : undefined;
    }, { message: 'view rebuilt after the damage' });
    expect(repaired?.records).toEqual(damaged.records);
    expect(await raw.hget(`${names.redisKeyPrefix}src:{acme}:dmg:records`, 'dmg-1')).toBe(JSON.stringify({ key: 'dmg-1' }));
  });
});

describe('read metrics', () => {
  it('counts hits and misses in /metrics and sends one metrics.updated per tenant for 50 reads within a second', async () => {
    await seed('gamma', 'synced', 2);
    const metricsText = async () => (await fetch(`${cache.url}/metrics`)).text();
    const before = await metricsText();
    await Promise.all([
      ...Array.from({ length: 30 }, () => snapshot('gamma', 'synced')),
      ...Array.from({ length: 20 }, () => snapshot('gamma', 'empty')),
    ]);
    const after = await metricsText();
    for (const [result, n] of [['hit', 30], ['miss', 20]] as const) {
      const labels = { result, served_from: 'cache' };
      expect(counterValue(after, 'freshet_cache_reads_total', labels) - counterValue(before, 'freshet_cache_reads_total', labels)).toBe(n);
    }
    // Normally one event (50 reads well inside a second); on a loaded machine the reads
    // may straddle a window, so check the totals and the throttle rather than the count.
    const events = await waitFor(
      () => {
        const all = eventsOf<MetricsUpdated>('metrics.updated', 'gamma');
        return all.reduce((n, e) => n + e.data.hits + e.data.misses, 0) >= 50 ? all : undefined;
      },
      { message: 'metrics.updated covering the 50 reads' },
    );
    expect(events.every((e) => e.source === TENANT_SCOPE_SOURCE)).toBe(true);
    expect(events.reduce((n, e) => n + e.data.hits, 0)).toBe(30);
    expect(events.reduce((n, e) => n + e.data.misses, 0)).toBe(20);
    expect(events.reduce((n, e) => n + e.data.servedFrom.cache, 0)).toBe(50);
    for (let i = 1; i < events.length; i += 1) {
      // at most one per second per tenant
      expect(Date.parse(events[i]!.data.window.from) - Date.parse(events[i - 1]!.data.window.from)).toBeGreaterThanOrEqual(950);
    }
    expect(events.length).toBeLessThanOrEqual(2);
  });
});
