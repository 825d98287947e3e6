// The outbox's end-to-end guarantee against a real JetStream: a relay killed between
// publishing and saving its checkpoint republishes on restart, and the Nats-Msg-Id dedup
// keeps exactly one copy of every event in the stream.
import { randomUUID } from 'node:crypto';
import { allEventsSubject, subjectForEvent } from '@freshet/contracts';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToStream } from '../append-to-stream';
import type { StoredEvent } from '../stored-event';
import { contentCreated } from '../testing/event-fixtures';
import { createTestStore, deleteStreams, TEST_NATS_URL, type TestStore } from '../testing/test-store';
import { waitForReadable } from '../testing/wait-for-readable';
import { findOutboxCheckpoint } from './outbox-checkpoint.repository';
import { createOutboxRelay } from './outbox-relay';

class SimulatedCrash extends Error {}

describe('outbox relay → JetStream', () => {
  let store: TestStore;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let streamName: string;
  let prefix: string;

  beforeAll(async () => {
    store = await createTestStore('relayjs');
    streamName = store.names.eventsStream;
    prefix = store.names.subjectPrefix;
    nc = await connect({ servers: TEST_NATS_URL });
    jsm = await jetstreamManager(nc);
    js = jetstream(nc);
    await jsm.streams.add({ name: streamName, subjects: [allEventsSubject(prefix)], duplicate_window: nanos(120_000) });
  });
  afterAll(async () => {
    await nc?.close();
    await deleteStreams([streamName]);
    await store.destroy();
  });

  it('republishes after a crash between publish and checkpoint, and the stream holds each event once', async () => {
    let acks = 0;
    let duplicates = 0;
    const publish = async (stored: StoredEvent) => {
      const { event } = stored;
      const ack = await js.publish(subjectForEvent(prefix, event), JSON.stringify(event), { msgID: event.id });
      acks += 1;
      if (ack.duplicate) duplicates += 1;
    };
    const append = async (n: number) => {
      const out: StoredEvent[] = [];
      for (let i = 0; i < n; i++) out.push(...(await appendToStream(store.db, `s-${randomUUID()}`, [contentCreated(`${i}`)], { expectedVersion: 'any' })).events);
      await waitForReadable(store.db, out.map((e) => e.event.id));
      return out;
    };

    // A first relay publishes 4 events and checkpoints them.
    const firstBatch = await append(4);
    expect(await createOutboxRelay({ db: store.db, name: 'to-js', publish }).runOnce()).toBe(4);

    // Then it "dies" right after publishing the 3rd of 6 new events: no checkpoint saved.
    const secondBatch = await append(6);
    let seen = 0;
    const doomed = createOutboxRelay({
      db: store.db,
      name: 'to-js',
      publish,
      hooks: {
        afterPublish: () => {
          seen += 1;
          if (seen === 3) throw new SimulatedCrash('killed after publish, before checkpoint');
        },
      },
    });
    await expect(doomed.runOnce()).rejects.toBeInstanceOf(SimulatedCrash);
    const lastOfFirst = firstBatch.at(-1)!;
    expect((await findOutboxCheckpoint(store.db, 'to-js'))?.checkpoint).toEqual({
      transactionId: lastOfFirst.transactionId,
      position: lastOfFirst.globalPosition,
    });

    // A new instance with the same name resumes from the old checkpoint and republishes.
    expect(await createOutboxRelay({ db: store.db, name: 'to-js', publish }).runOnce()).toBe(6);
    expect(acks).toBe(4 + 3 + 6);
    expect(duplicates).toBe(3);

    const all = [...firstBatch, ...secondBatch];
    const info = await jsm.streams.info(streamName);
    expect(info.state.messages).toBe(all.length);
    const msgIds: string[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const msg = await jsm.streams.getMessage(streamName, { seq });
      msgIds.push(msg!.header.get('Nats-Msg-Id'));
    }
    expect(new Set(msgIds).size).toBe(msgIds.length);
    expect(msgIds).toEqual(all.map((e) => e.event.id));
  });
});
