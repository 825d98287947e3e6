// The demand publisher on the real NATS KV: one key per source while streams are open,
// kept alive by refreshes past the bucket's max age, deleted when the last stream closes
// or the gateway stops, and gone on its own when the gateway dies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { demandBucketName, demandValueSchema, type DemandValue } from '@freshet/contracts';
import { deleteStreams, testNames, waitFor, TEST_NATS_URL } from '@freshet/testkit';
import { createDemandPublisher, type DemandPublisher } from './demand-publisher';

const logger = pino({ level: 'silent' });
const counting = testNames('demand');
const expiring = testNames('demandttl');
let nc: NatsConnection;
const publishers: DemandPublisher[] = [];
const connections: NatsConnection[] = [];

const publisher = (options: { prefix: string; instanceId: string; ttlMs?: number; refreshMs?: number; conn?: NatsConnection }) => {
  const created = createDemandPublisher({ nc: options.conn ?? nc, logger, ...options });
  publishers.push(created);
  return created;
};

async function liveKeys(prefix: string): Promise<string[]> {
  const kv = await new Kvm(nc).open(demandBucketName(prefix));
  const keys: string[] = [];
  try {
    for await (const key of await kv.keys()) keys.push(key);
  } catch (error) {
    if ((error as { code?: number }).code === 10059) return []; // no bucket yet
    throw error;
  }
  return keys.sort();
}

async function valueOf(prefix: string, key: string): Promise<{ value: DemandValue; revision: number } | undefined> {
  const entry = await (await new Kvm(nc).open(demandBucketName(prefix))).get(key);
  return entry && entry.operation === 'PUT' ? { value: demandValueSchema.parse(entry.json()), revision: entry.revision } : undefined;
}

beforeAll(async () => {
  nc = await connect({ servers: TEST_NATS_URL });
});

afterAll(async () => {
  for (const p of publishers) await p.stop();
  for (const c of connections) await c.close().catch(() => undefined);
  await nc?.close();
  await deleteStreams([`KV_${demandBucketName(counting.subjectPrefix)}`, `KV_${demandBucketName(expiring.subjectPrefix)}`]);
});

describe('demand publisher', () => {
  const prefix = counting.subjectPrefix;

  it('holds one key per source while any stream on it is open, and deletes it with the last', async () => {
    const gw = publisher({ prefix, instanceId: 'gw-a' });
    expect(await liveKeys(prefix)).toEqual([]);

    const first = gw.watch('acme', 'orders');
    await gw.settled();
    expect(await liveKeys(prefix)).toEqual(['acme.orders.gw-a']);
    const written = await valueOf(prefix, 'acme.orders.gw-a');
    expect(written?.value).toMatchObject({ tenant: 'acme', source: 'orders', streams: 1 });
    expect(Date.now() - Date.parse(written?.value.since ?? '')).toBeLessThan(10_000);

    const second = gw.watch('acme', 'orders');
    await gw.settled();
    expect(await liveKeys(prefix)).toEqual(['acme.orders.gw-a']);
    expect(gw.watchedSources()).toBe(1);

    first();
    first(); // a second release of the same stream changes nothing
    await gw.settled();
    expect(await liveKeys(prefix)).toEqual(['acme.orders.gw-a']);

    second();
    await gw.settled();
    expect(await liveKeys(prefix)).toEqual([]);
    expect(gw.watchedSources()).toBe(0);

    // Watched again after that: the key comes back.
    const third = gw.watch('acme', 'orders');
    await gw.settled();
    expect(await liveKeys(prefix)).toEqual(['acme.orders.gw-a']);
    third();
    await gw.settled();
    expect(await liveKeys(prefix)).toEqual([]);
  });

  it('keeps one key per gateway, so a source stays watched while any gateway streams it', async () => {
    const a = publisher({ prefix, instanceId: 'gw-b1' });
    const b = publisher({ prefix, instanceId: 'gw-b2' });
    const releaseA = a.watch('acme', 'stock');
    const releaseB = b.watch('acme', 'stock');
    const releaseOther = a.watch('acme', 'prices');
    await Promise.all([a.settled(), b.settled()]);
    expect(await liveKeys(prefix)).toEqual(['acme.prices.gw-b1', 'acme.stock.gw-b1', 'acme.stock.gw-b2']);
    releaseA();
    await a.settled();
    expect(await liveKeys(prefix)).toEqual(['acme.prices.gw-b1', 'acme.stock.gw-b2']);
    releaseB();
    releaseOther();
    await Promise.all([a.settled(), b.settled()]);
    expect(await liveKeys(prefix)).toEqual([]);
  });

  it('deletes every key it holds on stop, and watches nothing after', async () => {
    const gw = publisher({ prefix, instanceId: 'gw-c' });
    const release = gw.watch('acme', 'one');
    gw.watch('acme', 'two');
    gw.watch('beta', 'one');
    await gw.settled();
    expect(await liveKeys(prefix)).toEqual(['acme.one.gw-c', 'acme.two.gw-c', 'beta.one.gw-c']);
    await gw.stop();
    expect(await liveKeys(prefix)).toEqual([]);
    release(); // a stream closing after the stop is fine
    gw.watch('acme', 'three')();
    await gw.settled();
    expect(await liveKeys(prefix)).toEqual([]);
  });

  it('never fails a stream: a source it cannot name is skipped, with a no-op release', async () => {
    const gw = publisher({ prefix, instanceId: 'gw-d' });
    const release = gw.watch('acme', '_tenant');
    expect(() => release()).not.toThrow();
    gw.watch('a.b', 'orders')();
    await gw.settled();
    expect(await liveKeys(prefix)).toEqual([]);
  });

  it('refuses settings that would let a key lapse between refreshes', () => {
    expect(() => createDemandPublisher({ nc, prefix, logger, instanceId: 'gw-e', ttlMs: 10_000, refreshMs: 6_000 })).toThrow(/refreshMs/);
    expect(() => createDemandPublisher({ nc, prefix, logger, instanceId: 'host.example.com' })).toThrow(/instanceId/);
  });
});

describe('demand keys and the bucket max age', () => {
  const prefix = expiring.subjectPrefix;
  const ttlMs = 1_200;

  it('refreshes a watched key past the max age; a dead gateway’s key vanishes on its own', async () => {
    const conn = await connect({ servers: TEST_NATS_URL });
    connections.push(conn);
    const gw = publisher({ prefix, instanceId: 'gw-dies', ttlMs, refreshMs: 400, conn });
    gw.watch('acme', 'orders');
    await gw.settled();
    const first = await valueOf(prefix, 'acme.orders.gw-dies');
    expect(first).toBeDefined();

    await new Promise((r) => setTimeout(r, ttlMs * 2.5));
    const later = await valueOf(prefix, 'acme.orders.gw-dies');
    expect(later?.revision).toBeGreaterThan(first?.revision ?? Infinity);
    expect(await liveKeys(prefix)).toEqual(['acme.orders.gw-dies']);

    // The process "dies": its connection is gone, no refresh, no stop.
    await conn.close();
    const diedAt = Date.now();
    await waitFor(async () => (await liveKeys(prefix)).length === 0, { timeoutMs: ttlMs * 5, message: 'the dead gateway’s key to expire' });
    expect(Date.now() - diedAt).toBeLessThan(ttlMs * 5);

    // Its writes now fail, and that is never an error for a stream or for stop().
    expect(() => gw.watch('acme', 'later')()).not.toThrow();
    await expect(gw.stop()).resolves.toBeUndefined();
  });
});
