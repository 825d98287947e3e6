// The relay's lag gauges against real Postgres and JetStream: 0 from the first scrape;
// while the relay is stopped, appended events are pending and their age grows; once it
// runs again both fall back to 0. And the reading follows the relay's order: an event that
// committed late with a lower position than the checkpoint is pending, an event waiting
// behind an older open transaction is pending, a checkpoint from another epoch counts as none.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { allEventsSubject, subjectForEvent } from '@freshet/contracts';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendToStream } from '../append-to-stream';
import { getStoreEpoch } from '../store-epoch';
import { checkpointOf, type StoredEvent } from '../stored-event';
import { eventsChannel } from '../db/schema-name';
import { contentCreated } from '../testing/event-fixtures';
import { createTestStore, deleteStreams, TEST_NATS_URL, waitFor, type TestStore } from '../testing/test-store';
import { waitForReadable } from '../testing/wait-for-readable';
import { saveOutboxCheckpoint } from './outbox-checkpoint.repository';
import { createOutboxRelay, type OutboxRelay } from './outbox-relay';
import { observeOutboxLag, OUTBOX_LAG_METRIC, OUTBOX_PENDING_METRIC, type OutboxLagObserver } from './observe-outbox-lag';
import { readOutboxLag } from './read-outbox-lag';

class TestMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** One scrape: the value of each gauge for this store, undefined when not observed. */
async function scrape(reader: TestMetricReader, store: string): Promise<{ pending?: number; lag?: number }> {
  const { resourceMetrics } = await reader.collect();
  const value = (name: string) =>
    resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .filter((m) => m.descriptor.name === name)
      .flatMap((m) => m.dataPoints as DataPoint<number>[])
      .find((p) => p.attributes['store'] === store)?.value;
  return { pending: value(OUTBOX_PENDING_METRIC), lag: value(OUTBOX_LAG_METRIC) };
}

describe('outbox lag', () => {
  let store: TestStore;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  const cleanups: Array<() => unknown> = [];

  beforeAll(async () => {
    store = await createTestStore('outboxlag');
    nc = await connect({ servers: TEST_NATS_URL });
    jsm = await jetstreamManager(nc);
    js = jetstream(nc);
    await jsm.streams.add({ name: store.names.eventsStream, subjects: [allEventsSubject(store.names.subjectPrefix)], duplicate_window: nanos(120_000) });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await nc?.close();
    await deleteStreams([store.names.eventsStream]);
    await store.destroy();
  });

  const publish = async ({ event }: StoredEvent) => {
    await js.publish(subjectForEvent(store.names.subjectPrefix, event), JSON.stringify(event), { msgID: event.id });
  };
  const append = async (key: string) => (await appendToStream(store.db, `s-${randomUUID()}`, [contentCreated(key)], { expectedVersion: 'any' })).events[0]!;
  const relayNamed = (name: string): OutboxRelay => {
    const relay = createOutboxRelay({ db: store.db, name, publish, pollIntervalMs: 50, listen: { connectionString: store.connectionString, channel: eventsChannel(store.schema) } });
    cleanups.push(() => relay.stop());
    return relay;
  };

  it('reports 0 from the start, pending events and a growing lag while the relay is stopped, and 0 again once it runs', async () => {
    const reader = new TestMetricReader();
    const provider = new MeterProvider({ readers: [reader] });
    const observer: OutboxLagObserver = observeOutboxLag({ db: store.db, relay: 'gauges', store: 'ingest', meter: provider.getMeter('test') });
    cleanups.push(() => provider.shutdown(), () => observer.stop());
    const relay = relayNamed('gauges');

    // Nothing appended yet: a value, and it is 0.
    expect(await scrape(reader, 'ingest')).toEqual({ pending: 0, lag: 0 });

    // Running: what is appended goes out.
    relay.start();
    await append('first');
    await waitFor(async () => (await scrape(reader, 'ingest')).pending === 0 && (await jsm.streams.info(store.names.eventsStream)).state.messages === 1, {
      timeoutMs: 20_000,
      message: 'the first event published',
    });

    // Stopped (a relay that is down or stuck): appends pile up and age.
    await relay.stop();
    for (const key of ['a', 'b', 'c']) await append(key);
    const early = await scrape(reader, 'ingest');
    expect(early.pending).toBe(3);
    expect(early.lag).toBeGreaterThanOrEqual(0);
    await sleep(1_200);
    const later = await scrape(reader, 'ingest');
    expect(later.pending).toBe(3);
    expect(later.lag! - early.lag!).toBeGreaterThanOrEqual(1);
    expect((await jsm.streams.info(store.names.eventsStream)).state.messages).toBe(1);

    // Running again: caught up, both 0.
    relay.start();
    await waitFor(async () => {
      const now = await scrape(reader, 'ingest');
      return now.pending === 0 && now.lag === 0;
    }, { timeoutMs: 20_000, message: 'the relay caught up' });
    expect((await jsm.streams.info(store.names.eventsStream)).state.messages).toBe(4);
  });

  it('counts an event that committed late with a lower position than the checkpoint (pairs, not positions)', async () => {
    const relay = 'pairs';
    // `slow` takes its transaction id first; `late` commits in between with a lower position.
    const slow = await store.db.startTransaction().execute();
    cleanups.push(() => slow.rollback().execute().catch(() => undefined));
    await slow.selectNoFrom((eb) => eb.fn('pg_current_xact_id').as('xid')).execute();
    const late = await append('late');
    const early = (await appendToStream(slow, `s-${randomUUID()}`, [contentCreated('slow')], { expectedVersion: 'any' })).events[0]!;
    await slow.commit().execute();
    expect(BigInt(late.globalPosition)).toBeLessThan(BigInt(early.globalPosition));
    expect(BigInt(late.transactionId)).toBeGreaterThan(BigInt(early.transactionId));

    // The relay publishes `early` first (lower transaction id), then `late`.
    await saveOutboxCheckpoint(store.db, relay, { checkpoint: checkpointOf(early), epoch: await getStoreEpoch(store.db) });
    expect(await readOutboxLag(store.db, relay)).toMatchObject({ pending: 1 });
    await saveOutboxCheckpoint(store.db, relay, { checkpoint: checkpointOf(late), epoch: await getStoreEpoch(store.db) });
    expect(await readOutboxLag(store.db, relay)).toEqual({ pending: 0, lagSeconds: 0 });
  });

  it('counts a committed event the relay cannot read yet because an older transaction is open', async () => {
    const relay = relayNamed('held');
    // Caught up with the earlier tests' events (other suites' open transactions may delay it).
    await waitFor(async () => (await relay.runOnce(), (await readOutboxLag(store.db, 'held')).pending === 0), { timeoutMs: 20_000, message: 'caught up' });
    const open = await store.db.startTransaction().execute();
    cleanups.push(() => open.rollback().execute().catch(() => undefined));
    await open.selectNoFrom((eb) => eb.fn('pg_current_xact_id').as('xid')).execute();
    const held = await append('held');

    expect(await relay.runOnce()).toBe(0); // below the open transaction's horizon: not safe to read
    expect(await readOutboxLag(store.db, 'held')).toMatchObject({ pending: 1 });
    await sleep(1_100);
    expect((await readOutboxLag(store.db, 'held')).lagSeconds).toBeGreaterThanOrEqual(1);

    await open.rollback().execute();
    await waitForReadable(store.db, [held.event.id]);
    expect(await relay.runOnce()).toBe(1);
    expect(await readOutboxLag(store.db, 'held')).toEqual({ pending: 0, lagSeconds: 0 });
  });

  it('counts every event when the checkpoint is from another store epoch, as the relay republishes them', async () => {
    const last = await append('last');
    const total = Number((await store.db.selectFrom('events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    await saveOutboxCheckpoint(store.db, 'epoch', { checkpoint: checkpointOf(last), epoch: await getStoreEpoch(store.db) });
    expect(await readOutboxLag(store.db, 'epoch')).toEqual({ pending: 0, lagSeconds: 0 });
    await saveOutboxCheckpoint(store.db, 'epoch', { checkpoint: checkpointOf(last), epoch: 'another-store' });
    expect(await readOutboxLag(store.db, 'epoch')).toMatchObject({ pending: total });
  });
});
