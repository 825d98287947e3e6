// The cache on a bad day, through the whole stack: a flushed Redis is rebuilt from the
// database (reads meanwhile come from the database, never from the half-built view);
// Redis lost → reads from the database, recovery when it returns; Postgres lost → reads
// from Redis with their true age, even from a cache replica started during the outage;
// both → a clear 503. The losses are real: the cache reaches Redis, and ingest reaches
// Postgres, through TCP proxies this test cuts and restores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotPage } from '@freshet/contracts';
import { startTcpProxy, waitFor, type TcpProxy, TEST_DATABASE_URL, TEST_REDIS_URL } from '@freshet/testkit';
import { registerSource, requestRefresh } from '../dev/demo-seed';
import { deleteRedisKeys, startE2eStack, type E2eStack } from './e2e-stack';

const TENANT = 'acme';
const SOURCE = 'stock';
const DATASET = 'acme-stock';
const ITEMS = 40;

let stack: E2eStack;
let redisProxy: TcpProxy;
let postgresProxy: TcpProxy;

const through = (url: string, proxy: TcpProxy) => {
  const parsed = new URL(url);
  parsed.host = `127.0.0.1:${proxy.port}`;
  return parsed.toString();
};

async function read(query = 'limit=1000'): Promise<{ status: number; body: SnapshotPage & { error?: string; message?: string } }> {
  const res = await fetch(`${stack.urls.cache}/internal/v1/snapshots/${TENANT}/${SOURCE}?${query}`);
  return { status: res.status, body: (await res.json()) as SnapshotPage & { error?: string; message?: string } };
}

async function readOk(query?: string): Promise<SnapshotPage> {
  const { status, body } = await read(query);
  expect(status, JSON.stringify(body)).toBe(200);
  return body;
}

const servedFromCache = () =>
  waitFor(async () => {
    const page = await readOk();
    return page.meta.servedFrom === 'cache' ? page : undefined;
  }, { message: 'reads served from the cache again', timeoutMs: 20_000 });

async function refreshAndWait(): Promise<void> {
  const { jobId } = await requestRefresh(stack.urls.gateway, TENANT, SOURCE);
  await waitFor(async () => {
    const job = (await (await fetch(`${stack.urls['sync-scheduler']}/v1/jobs/${jobId}`)).json()) as { status?: string };
    return job.status === 'completed';
  }, { message: `job ${jobId} completed`, timeoutMs: 30_000 });
}

beforeAll(async () => {
  const redisUrl = new URL(TEST_REDIS_URL);
  const postgresUrl = new URL(TEST_DATABASE_URL);
  redisProxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
  postgresProxy = await startTcpProxy({ host: postgresUrl.hostname, port: Number(postgresUrl.port || 5432) });
  stack = await startE2eStack('e2ecache', {
    cache: { REDIS_URL: through(TEST_REDIS_URL, redisProxy), CACHE_RPC_TIMEOUT_MS: '1000' },
    ingest: { DATABASE_URL: through(TEST_DATABASE_URL, postgresProxy) },
  });
  const sim = stack.urls['upstream-sim'];
  const seeded = await fetch(`${sim}/admin/datasets/${DATASET}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: ITEMS, seed: 3 }),
  });
  expect(seeded.ok).toBe(true);
  await registerSource(stack.urls, TENANT, SOURCE, DATASET);
  await refreshAndWait();
  await waitFor(async () => (await readOk()).meta.count === ITEMS, { message: 'the view holds the dataset', timeoutMs: 20_000 });
}, 120_000);

afterAll(async () => {
  redisProxy?.restore();
  postgresProxy?.restore();
  await stack?.teardown();
  await redisProxy?.close();
  await postgresProxy?.close();
});

describe('cache resilience', () => {
  it('rebuilds a flushed Redis from the database, serving the database meanwhile, then events go on', async () => {
    const before = await readOk();
    expect(before.meta).toMatchObject({ servedFrom: 'cache', count: ITEMS, state: 'fresh' });
    expect(await deleteRedisKeys(stack.names.redisKeyPrefix)).toBeGreaterThan(0); // what FLUSHDB does to this run

    const during = await readOk();
    expect(during.meta.servedFrom).toBe('database');
    expect(during.records).toEqual(before.records);
    expect(during.meta).toMatchObject({ count: ITEMS, epoch: before.meta.epoch });
    // A background sync may land meanwhile (nothing changed upstream): never an older time.
    const notOlder = (at: string | null | undefined) => expect(Date.parse(at ?? '')).toBeGreaterThanOrEqual(Date.parse(before.meta.lastSyncedAt ?? ''));
    notOlder(during.meta.lastSyncedAt);
    expect(during.meta.seq).toBeGreaterThanOrEqual(before.meta.seq);

    const rebuilt = await servedFromCache();
    expect(rebuilt?.records).toEqual(before.records);
    expect(rebuilt?.meta).toMatchObject({ count: ITEMS, state: 'fresh' });
    notOlder(rebuilt?.meta.lastSyncedAt);

    // The rebuilt view takes new events: a deletion and an addition upstream reach it.
    const sim = stack.urls['upstream-sim'];
    const first = before.records[0]?.key;
    expect(first).toBeDefined();
    expect((await fetch(`${sim}/admin/datasets/${DATASET}/items/${first}`, { method: 'DELETE' })).ok).toBe(true);
    await refreshAndWait();
    const after = await waitFor(async () => {
      const page = await readOk();
      return page.meta.count === ITEMS - 1 ? page : undefined;
    }, { message: 'deletion applied to the rebuilt view', timeoutMs: 20_000 });
    expect(after?.meta.servedFrom).toBe('cache');
    expect(after?.records.map((r) => r.key)).not.toContain(first);
    expect(after?.records).toEqual(before.records.slice(1));
  });

  it('serves from the database while Redis is lost, and from the cache when it is back', async () => {
    const before = await readOk();
    redisProxy.cut();
    const during = await readOk();
    expect(during.meta.servedFrom).toBe('database');
    expect(during.records).toEqual(before.records);
    expect(during.meta.count).toBe(before.meta.count);
    redisProxy.restore();
    const back = await servedFromCache();
    expect(back?.records).toEqual(before.records);
  });

  it('serves from Redis with the true age while Postgres is lost, even from a cache replica started meanwhile', async () => {
    const before = await readOk();
    postgresProxy.cut();
    try {
      const during = await readOk();
      expect(during.meta.servedFrom).toBe('cache');
      expect(during.records).toEqual(before.records);
      expect(during.meta.lastSyncedAt).toBe(before.meta.lastSyncedAt);
      expect(during.meta.ageMs).toBeGreaterThanOrEqual(before.meta.ageMs ?? 0);
      await stack.restart('cache'); // knows no source definition in memory: Redis has it
      const restarted = await readOk();
      expect(restarted.meta).toMatchObject({ servedFrom: 'cache', count: before.meta.count });

      redisProxy.cut(); // both lost now
      const both = await read();
      expect(both.status).toBe(503);
      expect(both.body.error).toBe('SNAPSHOT_UNAVAILABLE');
      expect(both.body.message).toMatch(/neither the cache \(Redis\) nor the database/);
    } finally {
      redisProxy.restore();
      postgresProxy.restore();
    }
    await servedFromCache();
  });
});
