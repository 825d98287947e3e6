// The outbox relay against real Postgres: late commits never skipped, append order kept,
// NOTIFY wake-up, failure/retry without skipping, graceful stop, epoch change, republish.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendToStream } from '../append-to-stream';
import { eventsChannel } from '../db/schema-name';
import { OutboxPublishError } from '../errors';
import { checkpointOf, type StoredEvent } from '../stored-event';
import { contentCreated } from '../testing/event-fixtures';
import { createTestStore, waitFor, type TestStore } from '../testing/test-store';
import { waitForReadable } from '../testing/wait-for-readable';
import { findOutboxCheckpoint, saveOutboxCheckpoint } from './outbox-checkpoint.repository';
import { createOutboxRelay, type OutboxRelay } from './outbox-relay';
import { republishRange } from './republish-range';
import type { RelayLogger } from './relay-logger';

describe('outbox relay', () => {
  let store: TestStore;
  let relays: OutboxRelay[];
  beforeEach(async () => {
    store = await createTestStore('relay');
    relays = [];
  });
  afterEach(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    await store.destroy();
  });

  const track = (relay: OutboxRelay) => (relays.push(relay), relay);
  const append = async (key: string, streamId = `s-${randomUUID()}`) =>
    (await appendToStream(store.db, streamId, [contentCreated(key)], { expectedVersion: 'any' })).events[0]!;
  const recorder = () => {
    const published: string[] = [];
    return { published, publish: async (e: StoredEvent) => void published.push(e.event.id) };
  };

  it('never skips an event whose transaction commits late with a lower position', async () => {
    const sink = recorder();
    const relay = createOutboxRelay({ db: store.db, name: 'trap', publish: sink.publish });
    const slow = await store.db.startTransaction().execute();
    const a = (await appendToStream(slow, `a-${randomUUID()}`, [contentCreated('a')], { expectedVersion: 'no_stream' })).events[0]!;
    const b = await append('b');
    expect(BigInt(a.globalPosition)).toBeLessThan(BigInt(b.globalPosition));

    expect(await relay.runOnce()).toBe(0);
    expect(sink.published).toEqual([]);

    await slow.commit().execute();
    await waitForReadable(store.db, [a.event.id, b.event.id]);
    expect(await relay.runOnce()).toBe(2);
    expect(await relay.runOnce()).toBe(0);
    expect(sink.published).toEqual([a.event.id, b.event.id]);
  });

  it('publishes in append order across streams and batches, waking on NOTIFY', async () => {
    const sink = recorder();
    const relay = track(
      createOutboxRelay({
        db: store.db,
        name: 'order',
        publish: sink.publish,
        batchSize: 3,
        pollIntervalMs: 20,
        listen: { connectionString: store.connectionString, channel: eventsChannel(store.schema) },
        logger: pino({ level: 'silent' }) satisfies RelayLogger,
      }),
    );
    relay.start();
    const streams = ['x', 'y', 'z'].map((s) => `${s}-${randomUUID()}`);
    const expected: string[] = [];
    for (let i = 0; i < 10; i++) expected.push((await append(`${i}`, streams[i % 3])).event.id);
    await waitFor(() => sink.published.length >= 10, { timeoutMs: 20_000, message: 'all events published' });
    expect(sink.published).toEqual(expected);
  });

  it('is woken by NOTIFY rather than waiting for its poll interval', async () => {
    const sink = recorder();
    const relay = track(
      createOutboxRelay({
        db: store.db,
        name: 'listen',
        publish: sink.publish,
        pollIntervalMs: 60_000,
        listen: { connectionString: store.connectionString, channel: eventsChannel(store.schema) },
      }),
    );
    relay.start();
    await new Promise((r) => setTimeout(r, 300)); // first poll done, listener connected
    const event = await append('late');
    await waitFor(() => sink.published.includes(event.event.id), { timeoutMs: 10_000, message: 'NOTIFY to wake the relay' });
  });

  it('on a failed publish saves progress up to the last published event and resumes there', async () => {
    const events: StoredEvent[] = [];
    for (let i = 0; i < 5; i++) events.push(await append(`${i}`));
    await waitForReadable(store.db, events.map((e) => e.event.id));
    const published: string[] = [];
    let failNext = true;
    const relay = createOutboxRelay({
      db: store.db,
      name: 'flaky',
      publish: async (e) => {
        if (e.event.id === events[2]!.event.id && failNext) {
          failNext = false;
          throw new Error('bus down');
        }
        published.push(e.event.id);
      },
    });

    const error = await relay.runOnce().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboxPublishError);
    expect(error).toMatchObject({ code: 'OUTBOX_PUBLISH_FAILED', published: 2 });
    expect((await findOutboxCheckpoint(store.db, 'flaky'))?.checkpoint).toEqual({
      transactionId: events[1]!.transactionId,
      position: events[1]!.globalPosition,
    });

    expect(await relay.runOnce()).toBe(3);
    expect(published).toEqual(events.map((e) => e.event.id));
  });

  it('retries a failing publish on its own with backoff and logs it', async () => {
    const errors: object[] = [];
    const logger: RelayLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: (obj) => void errors.push(obj) };
    let attempts = 0;
    const published: string[] = [];
    const relay = track(
      createOutboxRelay({
        db: store.db,
        name: 'retry',
        logger,
        pollIntervalMs: 20,
        publish: async (e) => {
          attempts += 1;
          if (attempts <= 2) throw new Error('bus down');
          published.push(e.event.id);
        },
      }),
    );
    const event = await append('1');
    relay.start();
    await waitFor(() => published.length === 1, { timeoutMs: 20_000, message: 'publish after retries' });
    expect(published).toEqual([event.event.id]);
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatchObject({ failures: 2, retryInMs: 40 });
  });

  it('finishes the in-flight batch on stop and publishes nothing after', async () => {
    const events: StoredEvent[] = [];
    for (let i = 0; i < 5; i++) events.push(await append(`${i}`));
    await waitForReadable(store.db, events.map((e) => e.event.id));
    const published: string[] = [];
    const relay = createOutboxRelay({
      db: store.db,
      name: 'stop',
      publish: async (e) => {
        await new Promise((r) => setTimeout(r, 30));
        published.push(e.event.id);
      },
    });
    relay.start();
    await waitFor(() => published.length >= 1, { message: 'first publish' });
    await relay.stop();
    expect(published).toEqual(events.map((e) => e.event.id));
    const last = events.at(-1)!;
    expect((await findOutboxCheckpoint(store.db, 'stop'))?.checkpoint).toEqual({ transactionId: last.transactionId, position: last.globalPosition });
    await append('after-stop');
    await new Promise((r) => setTimeout(r, 300));
    expect(published).toHaveLength(5);
  });

  it('republishes from the start when its checkpoint is from another store epoch', async () => {
    const events = [await append('1'), await append('2')];
    await waitForReadable(store.db, events.map((e) => e.event.id));
    const last = events[1]!;
    await saveOutboxCheckpoint(store.db, 'epoch', { checkpoint: { transactionId: last.transactionId, position: last.globalPosition }, epoch: randomUUID() });
    const sink = recorder();
    expect(await createOutboxRelay({ db: store.db, name: 'epoch', publish: sink.publish }).runOnce()).toBe(2);
    expect(sink.published).toEqual(events.map((e) => e.event.id));
  });

  it('republishes an arbitrary range of the log on demand', async () => {
    const events: StoredEvent[] = [];
    for (let i = 0; i < 4; i++) events.push(await append(`${i}`));
    await waitForReadable(store.db, events.map((e) => e.event.id));
    const sink = recorder();
    const count = await republishRange(store.db, {
      after: checkpointOf(events[0]!),
      until: checkpointOf(events[2]!),
      publish: sink.publish,
      batchSize: 1,
    });
    expect(count).toBe(2);
    expect(sink.published).toEqual([events[1]!.event.id, events[2]!.event.id]);
  });
});
