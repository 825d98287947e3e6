// cache.written, cache.cleared, metrics.updated and the read counters on the real servers:
// a cache on a test stream and Redis prefix, a stand-in ingest answering get-source and
// get-records (from what the test seeded, as ingest's database would hold it), and a
// plain NATS subscription that sees every cache.* and metrics.* event published.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { TENANT_SCOPE_SOURCE, type CacheCleared, type CacheWritten, type FreshetEvent, type MetricsUpdated } from '@freshet/contracts';
import { testNames, waitFor } from '@freshet/testkit';
import { testCacheConfig } from '../testing/test-config';
import { closeTestConnections, openTestConnections } from '../testing/test-connections';
import { answerGetRecords, answerGetSource, IngestDatabase } from '../testing/stand-in-ingest';
import { contentCreated } from '../testing/test-events';
import { publishAll } from '../testing/publish-events';
import { seedView } from '../testing/seed-view';
import { readSnapshot } from '../testing/read-snapshot';
import { scanKeys } from '../testing/redis-keys';
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
const database = new IngestDatabase();

const publish = (event: FreshetEvent) => publishAll(js, names.subjectPrefix, [event]);
/** Publishes records and a completion, and waits until the view reflects them. */
const seed = (tenant: string, source: string, records: number) => seedView({ js, raw, names, database }, tenant, source, records);
const snapshot = (tenant: string, source: string, query = '') => readSnapshot(cache.url, tenant, source, query);
const keysOf = (pattern: string) => scanKeys(raw, `${names.redisKeyPrefix}${pattern}`);
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
  ({ nc, js, raw } = await openTestConnections(names));
  for (const family of ['cache', 'metrics']) {
    const sub = nc.subscribe(`${names.subjectPrefix}.evt.*.*.${family}.>`);
    subscriptions.push(sub);
    void (async () => {
      for await (const msg of sub) seen.push(msg.json<FreshetEvent>());
    })();
  }
  subscriptions.push(
    answerGetSource(nc, names.subjectPrefix, () => ({ staleAfterMs: HOUR })),
    answerGetRecords(nc, names.subjectPrefix, database),
  );
  cache = await startCache(
    testCacheConfig(names, { CACHE_RPC_TIMEOUT_MS: '200' }),
    silent,
  );
});

afterAll(() => closeTestConnections(names, { nc, raw }, { caches: [cache], subscriptions }));

describe('cache.written', () => {
  it('coalesces a 1,000-record sync into a few events, the last with the final seq and count', async () => {
    const started = Date.now();
    let last = 0;
    for (let from = 0; from < 1_000; from += 100) {
      const seqs = await Promise.all(Array.from({ length: 100 }, (_, i) => publish(contentCreated('acme', 'bulk', `k-${from + i}`))));
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
    await publish(contentCreated('acme', 'clr', 'clr-9'));
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
