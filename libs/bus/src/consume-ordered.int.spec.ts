import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { allEventsSubject, eventFilter, freshetEventSchema, HEADERS, subjectForEvent, type FreshetEvent } from '@freshet/contracts';
import { deleteStreams, testNames, TEST_NATS_URL, waitFor, type TestNames } from '@freshet/testkit';
import { INVALID_MESSAGES_METRIC } from './bus-metrics';
import { busTopology } from './bus-topology';
import { closeBus, connectBus } from './connect-bus';
import { consumeOrdered, type OrderedMessageMeta } from './consume-ordered';
import { ensureStreams } from './ensure-streams';
import { StreamHistoryGoneError } from './errors';
import { publishEvent } from './publish-event';
import { streamLastSequence } from './stream-last-sequence';
import { asPublished, installTestMeter, LEVEL, recordingLogger, sampleContentCreated } from './testing/bus-test-support';

const meter = installTestMeter();
const a = testNames('orda');
const b = testNames('ordb');
const { logger, entries } = recordingLogger();
let nc: NatsConnection;
let js: JetStreamClient;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function provision(n: TestNames) {
  const topology = busTopology({ prefix: n.subjectPrefix, eventsStream: n.eventsStream, commandsStream: n.commandsStream, eventsMaxAgeMs: 3_600_000 });
  await ensureStreams(nc, topology, logger);
}

function collector() {
  const got: { event: FreshetEvent; meta: OrderedMessageMeta }[] = [];
  return { got, onMessage: (event: FreshetEvent, meta: OrderedMessageMeta) => void got.push({ event, meta }) };
}

beforeAll(async () => {
  nc = await connectBus({ servers: TEST_NATS_URL, name: 'bus-consume-ordered-test', logger });
  js = jetstream(nc);
  await provision(a);
  await provision(b);
});

afterAll(async () => {
  await deleteStreams([a.eventsStream, a.commandsStream, b.eventsStream, b.commandsStream]);
  await closeBus(nc);
});

describe('consumeOrdered', () => {
  it('delivers exactly the messages after a start sequence, in order, filtered by subject, skipping invalid ones', async () => {
    for (const key of ['old1', 'old2', 'old3']) await publishEvent(js, a.subjectPrefix, sampleContentCreated({ source: 'live', key }));
    const last = await streamLastSequence(nc, a.eventsStream);
    expect(last).toBe(3);

    const wanted1 = sampleContentCreated({ source: 'live', key: 'new1' });
    const otherSource = sampleContentCreated({ source: 'elsewhere', key: 'x' });
    const wanted2 = sampleContentCreated({ source: 'live', key: 'new2' });
    await publishEvent(js, a.subjectPrefix, wanted1);
    await publishEvent(js, a.subjectPrefix, otherSource);
    const invalid = await js.publish(subjectForEvent(a.subjectPrefix, wanted1), JSON.stringify({ hello: 'world' }));
    await publishEvent(js, a.subjectPrefix, wanted2);

    const { got, onMessage } = collector();
    const handle = await consumeOrdered({
      nc,
      stream: a.eventsStream,
      filterSubject: eventFilter(a.subjectPrefix, { tenant: 'acme', source: 'live' }),
      startSequence: last + 1,
      schema: freshetEventSchema,
      logger,
      onMessage,
      name: 'live-view',
    });
    await waitFor(() => got.length === 2, { message: 'two live events' });
    await sleep(200); // nothing else trickles in
    expect(got.map((g) => g.event)).toEqual([wanted1, wanted2].map(asPublished));
    expect(got.map((g) => g.meta.streamSequence)).toEqual([4, 7]);
    expect(got[0]?.meta.headers[HEADERS.eventType]).toBe('content.created');

    const skipped = entries.filter((e) => e.level === LEVEL.warn && e.msg === 'skipped invalid message');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ streamSequence: invalid.seq, consumer: 'live-view' });
    expect(await meter.sum(INVALID_MESSAGES_METRIC, { stream: a.eventsStream, consumer: 'live-view' })).toBe(1);

    // Live: a message published after the start arrives too.
    const wanted3 = sampleContentCreated({ source: 'live', key: 'new3' });
    await publishEvent(js, a.subjectPrefix, wanted3);
    await waitFor(() => got.length === 3, { message: 'a later live event' });
    expect(got[2]?.event).toEqual(asPublished(wanted3));
    await handle.stop();
    await expect(handle.closed).resolves.toBeUndefined();
  });

  it('without a start sequence delivers only messages stored from now on', async () => {
    await publishEvent(js, a.subjectPrefix, sampleContentCreated({ source: 'fresh', key: 'before' }));
    const { got, onMessage } = collector();
    const handle = await consumeOrdered({
      nc,
      stream: a.eventsStream,
      filterSubject: eventFilter(a.subjectPrefix, { source: 'fresh' }),
      schema: freshetEventSchema,
      logger,
      onMessage,
    });
    const after = sampleContentCreated({ source: 'fresh', key: 'after' });
    await publishEvent(js, a.subjectPrefix, after);
    await waitFor(() => got.length === 1, { message: 'the new event' });
    await sleep(200);
    expect(got.map((g) => g.event)).toEqual([asPublished(after)]);
    await handle.stop();
  });

  it('refuses a start sequence the stream no longer holds, so the caller reloads a snapshot', async () => {
    const n = testNames('ordgone');
    await provision(n);
    try {
      for (const key of ['1', '2', '3']) await publishEvent(js, n.subjectPrefix, sampleContentCreated({ key }));
      await (await jetstreamManager(nc)).streams.purge(n.eventsStream);
      const attempt = consumeOrdered({
        nc,
        stream: n.eventsStream,
        filterSubject: allEventsSubject(n.subjectPrefix),
        startSequence: 2,
        schema: freshetEventSchema,
        logger,
        onMessage: () => undefined,
      });
      await expect(attempt).rejects.toBeInstanceOf(StreamHistoryGoneError);
      await expect(attempt).rejects.toMatchObject({ code: 'STREAM_HISTORY_GONE', requestedSequence: 2, firstAvailableSequence: 4 });
    } finally {
      await deleteStreams([n.eventsStream, n.commandsStream]);
    }
  });

  it('keeps test runs with different prefixes apart', async () => {
    const inB = sampleContentCreated({ source: 'iso', key: 'b-only' });
    await publishEvent(js, b.subjectPrefix, inB);
    await publishEvent(js, a.subjectPrefix, sampleContentCreated({ source: 'iso', key: 'a-only' }));

    const { got, onMessage } = collector();
    const handle = await consumeOrdered({
      nc,
      stream: b.eventsStream,
      filterSubject: allEventsSubject(b.subjectPrefix),
      startSequence: 1,
      schema: freshetEventSchema,
      logger,
      onMessage,
    });
    await waitFor(() => got.length === 1, { message: "b's event" });
    await sleep(200);
    expect(got.map((g) => g.event)).toEqual([asPublished(inB)]);
    expect(await streamLastSequence(nc, b.eventsStream)).toBe(1);
    await handle.stop();
  });
});
