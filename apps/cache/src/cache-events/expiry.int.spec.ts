// cache.expired on the real servers: two caches (replicas) on one test stream and Redis
// prefix, a stand-in ingest answering get-source (a 1 s cacheTtlMs for one source, none for
// the other) and get-records (from what the test seeded, as ingest's database would hold
// it), and a plain NATS subscription that sees every cache.* event published.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import type { CacheExpired, FreshetEvent } from '@freshet/contracts';
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

const names = testNames('cacheexp');
const HOUR = 3_600_000;
const TTL_MS = 1_000;
const SWEEP_MS = 200;
/** Sources named `rare…` have a cacheTtlMs; every other source has none. */
const RARE = 'rare';
const silent = pino({ level: 'silent' });
let nc: NatsConnection;
let js: JetStreamClient;
let raw: Redis;
let caches: RunningCache[] = [];
const subscriptions: Subscription[] = [];
const seen: FreshetEvent[] = [];
/** What the stand-in ingest's database holds: records by source, and when each was synced. */
const database = new IngestDatabase();

const publish = (event: FreshetEvent) => publishAll(js, names.subjectPrefix, [event]);
const key = (name: string) => `${names.redisKeyPrefix}${name}`;
/** Publishes records and a completion, and waits until the view reflects them. */
const seed = (tenant: string, source: string, records: number) => seedView({ js, raw, names, database }, tenant, source, records);
const snapshot = (cache: RunningCache, tenant: string, source: string) => readSnapshot(cache.url, tenant, source);
const keysOf = async (pattern: string) => (await scanKeys(raw, key(pattern))).sort();
const expiredOf = (tenant: string, source: string) =>
  seen.filter((e): e is CacheExpired => e.type === 'cache.expired' && e.tenant === tenant && e.source === source);
const expiryScore = async (tenant: string, source: string) => raw.zscore(key('views:expiry'), `${tenant}/${source}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  ({ nc, js, raw } = await openTestConnections(names));
  const sub = nc.subscribe(`${names.subjectPrefix}.evt.*.*.cache.>`);
  subscriptions.push(sub);
  void (async () => {
    for await (const msg of sub) seen.push(msg.json<FreshetEvent>());
  })();
  subscriptions.push(
    answerGetSource(nc, names.subjectPrefix, (_tenant, source) => ({ staleAfterMs: HOUR, ...(source.startsWith(RARE) ? { cacheTtlMs: TTL_MS } : {}) })),
    answerGetRecords(nc, names.subjectPrefix, database),
  );
  // Two replicas on the same Redis prefix and stream: both sweep.
  const config = testCacheConfig(names, { CACHE_RPC_TIMEOUT_MS: '200', CACHE_EXPIRY_SWEEP_MS: String(SWEEP_MS) });
  caches = [await startCache(config, silent), await startCache(config, silent)];
});

afterAll(() => closeTestConnections(names, { nc, raw }, { caches, subscriptions }));

describe('cache.expired', () => {
  it('drops a view nobody read or changed for its cacheTtlMs, once across replicas, and rebuilds it on the next read', async () => {
    const [a, b] = caches as [RunningCache, RunningCache];
    await seed('acme', RARE, 3);
    await seed('acme', 'kept', 2);
    expect((await snapshot(a, 'acme', RARE)).meta.servedFrom).toBe('cache');
    expect((await snapshot(b, 'acme', 'kept')).meta.servedFrom).toBe('cache');
    const keptKeys = await keysOf('src:{acme}:kept:*');
    const keptMeta = await raw.hgetall(key('src:{acme}:kept:meta'));

    // Read more often than the TTL, on either replica, for longer than it: the view stays.
    const readingUntil = Date.now() + 2 * TTL_MS;
    while (Date.now() < readingUntil) {
      for (const cache of [a, b]) expect((await snapshot(cache, 'acme', RARE)).meta).toMatchObject({ servedFrom: 'cache', count: 3 });
      await sleep(TTL_MS / 4);
    }
    expect(expiredOf('acme', RARE)).toEqual([]);

    // Then nobody reads it: after the TTL (and a sweep), only the tombstone meta and the source's definition are left.
    const lastReadStart = Date.now();
    await snapshot(a, 'acme', RARE);
    const lastReadEnd = Date.now();
    await waitFor(async () => (await raw.hget(key(`src:{acme}:${RARE}:meta`), 'generation')) === 'expired', { message: 'view expired' });
    expect(Date.now() - lastReadStart).toBeGreaterThanOrEqual(TTL_MS);
    expect(await raw.hgetall(key(`src:{acme}:${RARE}:meta`))).toEqual({ generation: 'expired' });
    expect(await keysOf(`src:{acme}:${RARE}:*`)).toEqual([key(`src:{acme}:${RARE}:info`), key(`src:{acme}:${RARE}:meta`)]);
    expect(await expiryScore('acme', RARE)).toBeNull();

    // Exactly one cache.expired, though both replicas sweep (give them several more sweeps).
    await waitFor(() => expiredOf('acme', RARE).length > 0, { message: 'cache.expired' });
    await sleep(5 * SWEEP_MS);
    const events = expiredOf('acme', RARE);
    expect(events).toHaveLength(1);
    expect(events[0]?.data.ttlMs).toBe(TTL_MS);
    const idleSince = Date.parse(events[0]?.data.idleSince ?? '');
    expect(idleSince).toBeGreaterThanOrEqual(lastReadStart);
    expect(idleSince).toBeLessThanOrEqual(lastReadEnd);

    // The source without a TTL is untouched.
    expect(await keysOf('src:{acme}:kept:*')).toEqual(keptKeys);
    expect(await raw.hgetall(key('src:{acme}:kept:meta'))).toEqual(keptMeta);
    expect(await expiryScore('acme', 'kept')).toBeNull();
    expect(expiredOf('acme', 'kept')).toEqual([]);
    expect((await snapshot(b, 'acme', 'kept')).meta).toMatchObject({ servedFrom: 'cache', count: 2 });

    // The next read is answered from the database, whole, and rebuilds the view.
    const fromDatabase = await snapshot(b, 'acme', RARE);
    expect(fromDatabase.records.map((r) => r.key)).toEqual([`${RARE}-0`, `${RARE}-1`, `${RARE}-2`]);
    expect(fromDatabase.meta).toMatchObject({ servedFrom: 'database', count: 3, state: 'fresh' });
    const rebuilt = await waitFor(
      async () => {
        const page = await snapshot(a, 'acme', RARE);
        return page.meta.servedFrom === 'cache' ? page : undefined;
      },
      { message: 'view rebuilt', intervalMs: 100 },
    );
    expect(rebuilt.records.map((r) => r.key)).toEqual([`${RARE}-0`, `${RARE}-1`, `${RARE}-2`]);
    expect(rebuilt.meta).toMatchObject({ count: 3, state: 'fresh' });

    // Live again: the read restarted its TTL, and it expires again once nobody reads it.
    const touchedUntil = Number(await expiryScore('acme', RARE));
    expect(touchedUntil).toBeGreaterThan(Date.now());
    expect(touchedUntil).toBeLessThanOrEqual(Date.now() + TTL_MS);
    await waitFor(() => expiredOf('acme', RARE).length === 2, { message: 'second cache.expired' });
    expect(await raw.hgetall(key(`src:{acme}:${RARE}:meta`))).toEqual({ generation: 'expired' });
  });

  it('keeps a view that events keep changing though nobody reads it, and drops it once they stop', async () => {
    const source = `${RARE}-busy`;
    await seed('acme', source, 1);
    // One event every quarter TTL, for twice the TTL, and no read.
    const until = Date.now() + 2 * TTL_MS;
    for (let i = 1; Date.now() < until; i += 1) {
      database.tableOf('acme', source).records.set(`${source}-${i}`, { key: `${source}-${i}` });
      await publish(contentCreated('acme', source, `${source}-${i}`));
      await sleep(TTL_MS / 4);
    }
    expect(expiredOf('acme', source)).toEqual([]);
    expect(await raw.hget(key(`src:{acme}:${source}:meta`), 'generation')).not.toBe('expired');
    expect(Number(await expiryScore('acme', source))).toBeGreaterThan(Date.now());
    const expired = await waitFor(() => expiredOf('acme', source)[0], { message: 'cache.expired after the events stopped' });
    expect(expired.data.ttlMs).toBe(TTL_MS);
    expect(await keysOf(`src:{acme}:${source}:*`)).toEqual([key(`src:{acme}:${source}:info`), key(`src:{acme}:${source}:meta`)]);
    expect((await snapshot(caches[0]!, 'acme', source)).meta).toMatchObject({ servedFrom: 'database', count: database.tableOf('acme', source).records.size });
  });
});
