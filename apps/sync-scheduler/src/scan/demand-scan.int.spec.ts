// The scan and the demand signal on the real servers: the watched set is read from the
// demand KV bucket on NATS, the directory from a stand-in ingest answering list-sources,
// and syncs are asked of the real ledger in Postgres. A source a gateway streams is synced
// once its watchedMinAge is reached, which its minAge alone would not do; when the stream
// closes it falls back to its minAge.
//
// The keys are written as the gateway's DemandPublisher writes them (same contracts:
// bucket name, key, value, max age); apps may not import each other, so the publisher
// itself is tested against the same bucket in apps/gateway/src/demand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { StorageType } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { pino } from 'pino';
import { respondJson } from '@freshet/bus';
import { RPC, demandBucketName, demandKey, listSourcesRequestSchema, rpcSubject, type DemandValue } from '@freshet/contracts';
import { createEventStoreDb } from '@freshet/event-store';
import { createSchema, deleteStreams, dropSchema, testNames, TEST_DATABASE_URL, TEST_NATS_URL } from '@freshet/testkit';
import type { SchedulerDatabase } from '../db/scheduler-tables';
import { migrateScheduler } from '../db/migrate-scheduler';
import { listJobs } from '../jobs/job-repository';
import { runBackgroundScan, runDemandScan } from './background-scan';
import { recordingScanDeps } from './testing/recording-scan-deps';
import { createWatchedSourcesReader } from './watched-sources';

const names = testNames('demandscan');
const logger = pino({ level: 'silent' });
const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
let nc: NatsConnection;
let db: Kysely<SchedulerDatabase>;
let directory: Subscription;
let bucket: KV | undefined;

// Every source keeps the default minAge of 15 min.
const sources = [
  { tenant: 'acme', source: 'orders', lastSyncedAt: ago(5 * 60_000), minAgeMs: 900_000, watchedMinAgeMs: 120_000 }, // streamed below
  { tenant: 'acme', source: 'stock', lastSyncedAt: ago(5 * 60_000), minAgeMs: 900_000 }, // same age, nobody streams it
  { tenant: 'acme', source: 'prices', lastSyncedAt: ago(30 * 60_000), minAgeMs: 900_000 }, // due by minAge anyway
  { tenant: 'acme', source: 'rates', lastSyncedAt: ago(30_000), minAgeMs: 900_000 }, // streamed, but synced 30 s ago
];

/** A stand-in gateway: what DemandPublisher does on the first watch and on the last release. */
async function gatewayWatches(tenant: string, source: string, instanceId: string): Promise<() => Promise<void>> {
  bucket ??= await new Kvm(nc).create(demandBucketName(names.subjectPrefix), { ttl: 60_000, history: 1, storage: StorageType.Memory });
  const kv = bucket;
  const key = demandKey({ tenant, source, instanceId });
  const value: DemandValue = { tenant, source, streams: 1, since: new Date().toISOString() };
  await kv.put(key, JSON.stringify(value));
  return async () => {
    await kv.delete(key);
  };
}

function scanDeps(readWatched = createWatchedSourcesReader({ nc, prefix: names.subjectPrefix, timeoutMs: 2_000, logger }).read) {
  return recordingScanDeps({ nc, db, prefix: names.subjectPrefix, now, logger, readWatched });
}

beforeAll(async () => {
  nc = await connect({ servers: TEST_NATS_URL });
  await createSchema(names.databaseSchema);
  db = createEventStoreDb<SchedulerDatabase>({ connectionString: TEST_DATABASE_URL, schema: names.databaseSchema, poolMax: 4 });
  await migrateScheduler(db, names.databaseSchema);
  directory = respondJson(
    nc,
    rpcSubject(names.subjectPrefix, RPC.ingest.service, RPC.ingest.listSources),
    listSourcesRequestSchema,
    logger,
    async () => ({ ok: true, sources }),
    'ingest',
  );
});

afterAll(async () => {
  directory?.unsubscribe();
  await db?.destroy();
  await dropSchema(names.databaseSchema);
  await nc?.close();
  await deleteStreams([`KV_${demandBucketName(names.subjectPrefix)}`]);
});

describe('scan with the demand signal', () => {
  it('syncs a source a gateway streams once its watchedMinAge is reached, and only by minAge after the stream closes', async () => {
    // No gateway has announced anything yet (no bucket): minAge alone.
    const before = scanDeps();
    expect(await runBackgroundScan(before.deps)).toMatchObject({ sources: 4, watched: 0, due: 1, dueWatched: 0, queued: 1 });
    expect(before.requested()).toEqual(['prices']);
    expect(await runDemandScan(before.deps)).toBeNull(); // nothing watched: no listing, no scan

    // A stream opens on orders and rates (rates on two gateways).
    const releases = [await gatewayWatches('acme', 'orders', 'gw-1'), await gatewayWatches('acme', 'rates', 'gw-1'), await gatewayWatches('acme', 'rates', 'gw-2')];
    const watched = scanDeps();
    const result = await runDemandScan(watched.deps);
    expect(result).toMatchObject({ trigger: 'demand', sources: 4, watched: 2, due: 2, dueWatched: 1, queued: 1, joined: 1 });
    expect(watched.requested()).toEqual(['orders', 'prices']); // not stock (not streamed), not rates (synced 30 s ago)
    const jobs = await listJobs(db, { limit: 10 });
    expect(jobs.find((j) => j.source === 'orders')).toMatchObject({ status: 'queued', priority: 3, reason: 'background scan (watched)' });
    expect(jobs.find((j) => j.source === 'stock')).toBeUndefined();

    // The streams close: the next scans leave orders to its minAge again.
    for (const release of releases) await release();
    const after = scanDeps();
    expect(await runDemandScan(after.deps)).toBeNull();
    expect(await runBackgroundScan(after.deps)).toMatchObject({ watched: 0, due: 1, dueWatched: 0 });
    expect(after.requested()).toEqual(['prices']);
  });

  it('goes on by minAge alone when the demand signal cannot be read', async () => {
    const failing = scanDeps(async () => {
      throw new Error('kv unavailable');
    });
    expect(await runBackgroundScan(failing.deps)).toMatchObject({ watched: null, due: 1, failed: 0 });
    expect(failing.requested()).toEqual(['prices']);
    expect(await runDemandScan(failing.deps)).toBeNull();
  });

  it('reports what it last read of the demand signal', async () => {
    const reader = createWatchedSourcesReader({ nc, prefix: names.subjectPrefix, timeoutMs: 2_000, logger });
    expect(reader.status()).toMatchObject({ bucket: demandBucketName(names.subjectPrefix), watched: null, readAt: null });
    const release = await gatewayWatches('acme', 'stock', 'gw-3');
    try {
      expect([...(await reader.read())]).toEqual(['acme/stock']);
      expect(reader.status()).toMatchObject({ watched: 1, lastError: null });
      expect(Date.parse(reader.status().readAt ?? '')).toBeGreaterThan(0);
    } finally {
      await release();
    }
    // A key another writer left that is not a demand key is ignored.
    await bucket?.put('not-a-demand-key', '{}');
    expect(await reader.read()).toEqual(new Set());
  });
});
