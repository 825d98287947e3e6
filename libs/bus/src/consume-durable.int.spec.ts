import { describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { eventFilter, freshetEventSchema, HEADERS, subjectForEvent, type FreshetEvent } from '@freshet/contracts';
import { testNames, waitFor } from '@freshet/testkit';
import { INVALID_MESSAGES_METRIC } from './bus-metrics';
import { consumeDurable, type DurableMessageContext, type HandlerResult } from './consume-durable';
import { ensureDurableConsumer } from './ensure-durable-consumer';
import { ConsumerConfigConflictError, InvalidConsumerOptionsError } from './errors';
import { publishEvent } from './publish-event';
import { asPublished, installTestMeter, LEVEL, recordingLogger, sampleContentCreated, testBusWithStreams } from './testing/bus-test-support';

const meter = installTestMeter();
const n = testNames('dur');
const stream = n.eventsStream;
const { logger, entries } = recordingLogger();
const bus = testBusWithStreams(n, 'bus-consume-durable-test', logger);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function durableFor(source: string, durable: string, overrides: Partial<Parameters<typeof ensureDurableConsumer>[1]> = {}) {
  return ensureDurableConsumer(bus.nc, {
    stream,
    durable,
    filterSubject: eventFilter(n.subjectPrefix, { tenant: 'acme', source }),
    ackWaitMs: 1_000,
    maxAckPending: 100,
    maxDeliver: 5,
    ...overrides,
  });
}

async function consumerInfo(durable: string) {
  return (await jetstreamManager(bus.nc)).consumers.info(stream, durable);
}

describe('ensureDurableConsumer', () => {
  it('creates once, then reports unchanged, updates limits in place, and refuses a different filter', async () => {
    expect(await durableFor('prov', 'prov')).toBe('created');
    expect(await durableFor('prov', 'prov')).toBe('unchanged');
    expect(await durableFor('prov', 'prov', { maxAckPending: 7 })).toBe('updated');
    const info = await consumerInfo('prov');
    expect(info.config).toMatchObject({ ack_policy: 'explicit', max_ack_pending: 7, max_deliver: 5, ack_wait: 1_000_000_000 });

    const conflict = durableFor('other', 'prov').catch((e: unknown) => e);
    const error = (await conflict) as ConsumerConfigConflictError;
    expect(error).toBeInstanceOf(ConsumerConfigConflictError);
    expect(error.code).toBe('CONSUMER_CONFIG_CONFLICT');
    expect(error.message).toContain(`filter_subject: existing "${n.subjectPrefix}.evt.acme.prov.*.*", wanted "${n.subjectPrefix}.evt.acme.other.*.*"`);
  });

  it('sets a redelivery backoff, and refuses one the server would reinterpret', async () => {
    expect(await durableFor('boff', 'boff', { ackWaitMs: 1_000, backoffMs: [1_000, 5_000], maxDeliver: 4 })).toBe('created');
    expect(await durableFor('boff', 'boff', { ackWaitMs: 1_000, backoffMs: [1_000, 5_000], maxDeliver: 4 })).toBe('unchanged');
    await expect(durableFor('boff', 'boff2', { ackWaitMs: 30_000, backoffMs: [1_000] })).rejects.toBeInstanceOf(InvalidConsumerOptionsError);
    await expect(durableFor('boff', 'boff3', { backoffMs: [1_000, 2_000], maxDeliver: 2 })).rejects.toThrow(/maxDeliver \(2\) must exceed/);
  });
});

describe('consumeDurable', () => {
  it('handles and acks valid messages; terminates, logs and counts invalid ones, and keeps going', async () => {
    await durableFor('mixed', 'mixed');
    const seen: { event: FreshetEvent; ctx: DurableMessageContext }[] = [];
    const handle = await consumeDurable({
      nc: bus.nc,
      stream,
      durable: 'mixed',
      schema: freshetEventSchema,
      logger,
      handler: (event, ctx) => {
        seen.push({ event, ctx });
        return { ack: true };
      },
    });

    const first = sampleContentCreated({ source: 'mixed', key: 'a' });
    const last = sampleContentCreated({ source: 'mixed', key: 'b' });
    const subject = subjectForEvent(n.subjectPrefix, first);
    await publishEvent(bus.js, n.subjectPrefix, first);
    const notJson = await bus.js.publish(subject, '{"id": oops');
    const notAnEvent = await bus.js.publish(subject, JSON.stringify({ ...first, id: 'not-a-uuid', data: {} }));
    await publishEvent(bus.js, n.subjectPrefix, last);

    await waitFor(() => seen.length === 2, { message: 'both valid events handled' });
    expect(seen.map((s) => s.event)).toEqual([first, last].map(asPublished));
    expect(seen[0]?.ctx).toMatchObject({ subject, deliveryCount: 1 });
    expect(seen[0]?.ctx.headers[HEADERS.eventType]).toBe('content.created');
    expect(seen[0]?.ctx.headers[HEADERS.traceparent]).toBe(first.trace?.traceparent);

    // Past the ack wait: acked and terminated messages must not come back.
    await sleep(1_500);
    expect(seen).toHaveLength(2);
    const info = await consumerInfo('mixed');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);

    const warnings = entries.filter((e) => e.level === LEVEL.warn && e.msg === 'terminated invalid message' && e['consumer'] === 'mixed');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ stream, subject, streamSequence: notJson.seq, reason: expect.stringMatching(/^invalid JSON: /) as unknown });
    expect(warnings[1]).toMatchObject({ streamSequence: notAnEvent.seq, reason: expect.stringMatching(/^schema validation failed: .*id: /) as unknown });
    expect(await meter.sum(INVALID_MESSAGES_METRIC, { stream, consumer: 'mixed' })).toBe(2);

    await handle.stop();
    await expect(handle.closed).resolves.toBeUndefined();
  });

  it('redelivers a message whose handler threw, after a backoff', async () => {
    await durableFor('flaky', 'flaky');
    const deliveries: { count: number; at: number }[] = [];
    const handle = await consumeDurable({
      nc: bus.nc,
      stream,
      durable: 'flaky',
      schema: freshetEventSchema,
      logger,
      handler: (_event, ctx) => {
        deliveries.push({ count: ctx.deliveryCount, at: Date.now() });
        if (ctx.deliveryCount === 1) throw new Error('upstream projection store is down');
        return { ack: true };
      },
    });
    const event = sampleContentCreated({ source: 'flaky' });
    await publishEvent(bus.js, n.subjectPrefix, event);

    await waitFor(() => deliveries.length === 2, { message: 'redelivery' });
    expect(deliveries.map((d) => d.count)).toEqual([1, 2]);
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(900); // nak delay of 1 s
    const failure = entries.find((e) => e.level === LEVEL.error && e['consumer'] === 'flaky');
    expect(failure).toMatchObject({ msg: 'handler failed; redelivering after backoff', nakDelayMs: 1_000, deliveryCount: 1 });
    expect((failure?.['err'] as { message: string }).message).toBe('upstream projection store is down');
    await waitFor(async () => (await consumerInfo('flaky')).num_ack_pending === 0, { message: 'acked after redelivery' });
    await handle.stop();
  });

  it('follows the handler: nak redelivers, term drops for good', async () => {
    await durableFor('decide', 'decide');
    const calls: Record<string, number> = {};
    const handle = await consumeDurable({
      nc: bus.nc,
      stream,
      durable: 'decide',
      schema: freshetEventSchema,
      logger,
      handler: (event, ctx): HandlerResult => {
        const key = event.type === 'content.created' ? event.data.key : '?';
        calls[key] = (calls[key] ?? 0) + 1;
        if (key === 'drop') return { term: 'record belongs to a deleted source' };
        if (key === 'later' && ctx.deliveryCount === 1) return { nak: 50 };
        return { ack: true };
      },
    });
    await publishEvent(bus.js, n.subjectPrefix, sampleContentCreated({ source: 'decide', key: 'drop' }));
    await publishEvent(bus.js, n.subjectPrefix, sampleContentCreated({ source: 'decide', key: 'later' }));
    await waitFor(() => calls['later'] === 2, { message: 'nak redelivered' });
    await sleep(1_500);
    expect(calls).toEqual({ drop: 1, later: 2 });
    expect((await consumerInfo('decide')).num_ack_pending).toBe(0);
    expect(entries.some((e) => e.msg === 'handler terminated message' && e['reason'] === 'record belongs to a deleted source')).toBe(true);
    await handle.stop();
  });

  it('stop() waits for the in-flight handler, which still acks', async () => {
    await durableFor('slow', 'slow');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = false;
    const handle = await consumeDurable({
      nc: bus.nc,
      stream,
      durable: 'slow',
      schema: freshetEventSchema,
      logger,
      handler: async () => {
        started = true;
        await gate;
        return { ack: true };
      },
    });
    await publishEvent(bus.js, n.subjectPrefix, sampleContentCreated({ source: 'slow' }));
    await waitFor(() => started, { message: 'handler started' });

    let stopped = false;
    const stopping = handle.stop().then(() => (stopped = true));
    await sleep(200);
    expect(stopped).toBe(false);
    release();
    await stopping;
    await waitFor(async () => (await consumerInfo('slow')).num_ack_pending === 0, { message: 'in-flight message acked' });
    await handle.stop(); // idempotent
  });
});
