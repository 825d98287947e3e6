// The hub on the real NATS: one frame per event shared by every connection that carries
// it, tenants isolated, the position tracked, invalid messages skipped, and a recreated
// stream turned into a reset for everyone instead of ids from the wrong epoch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import type { Meter } from '@opentelemetry/api';
import { busTopology, ensureStreams } from '@freshet/bus';
import { formatStreamPosition, subjectForEvent, type StreamPosition } from '@freshet/contracts';
import { createServiceMetrics } from '@freshet/telemetry';
import { testNames, waitFor } from '@freshet/testkit';
import { channelCarries, type Channel } from '../channels/channel';
import type { EventFrame } from './event-frame';
import { startFanoutHub, type FanoutHub, type FanoutSubscriber } from './fanout-hub';
import type { ResetReason } from './sse-frame';
import { contentEvent, jobStarted, logger, startStreamBus, type StreamBus } from './testing/stream-test-gateway';

/** A subscriber that records what it is given (a real implementation of the interface, not a mock of NATS). */
function recorder(tenant: string, channels: Channel[], options: { throws?: boolean } = {}) {
  const frames: EventFrame[] = [];
  const resets: { reason: ResetReason; position: StreamPosition }[] = [];
  const subscriber: FanoutSubscriber = {
    tenant,
    channelGroup: channels.map((c) => JSON.stringify(c)).join(' '),
    carries: (event) => channels.some((c) => channelCarries(c, event)),
    deliver: (frame) => {
      frames.push(frame);
      if (options.throws) throw new Error('boom');
      return true;
    },
    discontinuity: (reason, position) => void resets.push({ reason, position }),
  };
  return { subscriber, frames, resets };
}

let bus: StreamBus;
let hub: FanoutHub;
let meter: Meter;

beforeAll(async () => {
  bus = await startStreamBus(testNames('gwf'));
  meter = createServiceMetrics('gateway-hub-test').meter;
  hub = await startFanoutHub({ nc: bus.nc, prefix: bus.names.subjectPrefix, eventsStream: bus.names.eventsStream, logger, meter, epochCheckMs: 200, restartDelayMs: 50 });
});

afterAll(async () => {
  await hub?.stop();
  await bus?.close();
});

describe('fan-out hub', () => {
  it('frames each event once and hands the same Buffer to every connection that carries it', async () => {
    const orders = recorder('acme', [{ kind: 'source', tenant: 'acme', source: 'orders' }]);
    const tenant = recorder('acme', [{ kind: 'tenant', tenant: 'acme' }], { throws: true });
    const globex = recorder('globex', [{ kind: 'tenant', tenant: 'globex' }]);
    const start = [orders, tenant, globex].map((r) => hub.register(r.subscriber));
    expect(new Set(start.map(formatStreamPosition)).size).toBe(1);

    const a = await bus.publish(contentEvent({ source: 'orders', key: 'a' }));
    const b = await bus.publish(jobStarted({ source: 'users' }));
    const c = await bus.publish(contentEvent({ tenant: 'globex', source: 'orders', key: 'c' }));
    const nobody = await bus.publish(contentEvent({ tenant: 'initech', source: 'orders' }));
    await waitFor(() => hub.position().seq === nobody, { message: 'hub position at the last event' });

    expect(orders.frames.map((f) => f.seq)).toEqual([a]);
    // A subscriber that throws keeps receiving, and never stops the others.
    expect(tenant.frames.map((f) => f.seq)).toEqual([a, b]);
    expect(globex.frames.map((f) => f.seq)).toEqual([c]);
    expect(orders.frames[0]!.bytes).toBe(tenant.frames[0]!.bytes);
    const epoch = await bus.epoch();
    expect(orders.frames[0]!.bytes.toString()).toMatch(new RegExp(`^id: ${epoch}:${a}\nevent: content.created\ndata: \\{.*\\}\n\n$`));
    expect(orders.frames[0]).toMatchObject({ type: 'content.created', source: 'orders', key: 'a' });

    hub.unregister(tenant.subscriber);
    const d = await bus.publish(contentEvent({ source: 'orders' }));
    await waitFor(() => orders.frames.length === 2);
    expect(tenant.frames.map((f) => f.seq)).toEqual([a, b]);
    expect(orders.frames[1]!.seq).toBe(d);
    [orders, globex].forEach((r) => hub.unregister(r.subscriber));
    expect(hub.subscriberCount()).toBe(0);
  });

  it('hands an event to every member of a channel group, whatever one member does', async () => {
    const channels: Channel[] = [{ kind: 'source', tenant: 'acme', source: 'orders' }];
    const first = recorder('acme', channels, { throws: true });
    const second = recorder('acme', channels);
    const both = recorder('acme', [...channels, { kind: 'admin', tenant: 'acme' }]);
    for (const r of [first, second, both]) hub.register(r.subscriber);
    hub.register(second.subscriber); // registering twice does not deliver twice
    expect(hub.subscriberCount()).toBe(3);

    const a = await bus.publish(contentEvent({ source: 'orders', key: 'a' }));
    const b = await bus.publish(jobStarted({ source: 'orders' }));
    await waitFor(() => hub.position().seq === b);
    for (const r of [first, second, both]) expect(r.frames.map((f) => f.seq)).toEqual([a, b]);

    hub.unregister(first.subscriber);
    hub.unregister(first.subscriber);
    const c = await bus.publish(contentEvent({ source: 'orders', key: 'c' }));
    await waitFor(() => second.frames.length === 3);
    expect(first.frames.map((f) => f.seq)).toEqual([a, b]);
    expect(both.frames.map((f) => f.seq)).toEqual([a, b, c]);
    [second, both].forEach((r) => hub.unregister(r.subscriber));
    expect(hub.subscriberCount()).toBe(0);
  });

  it('skips invalid messages without stopping', async () => {
    const orders = recorder('acme', [{ kind: 'source', tenant: 'acme', source: 'orders' }]);
    hub.register(orders.subscriber);
    const valid = contentEvent({ source: 'orders' });
    await bus.js.publish(subjectForEvent(bus.names.subjectPrefix, valid), JSON.stringify({ not: 'an event' }));
    await bus.js.publish(subjectForEvent(bus.names.subjectPrefix, valid), 'not json');
    const after = await bus.publish(valid);
    await waitFor(() => orders.frames.length === 1);
    expect(orders.frames.map((f) => f.seq)).toEqual([after]);
    hub.unregister(orders.subscriber);
  });

  it('resets every connection when the stream is recreated, then frames with the new epoch', async () => {
    const orders = recorder('acme', [{ kind: 'source', tenant: 'acme', source: 'orders' }]);
    const other = recorder('globex', [{ kind: 'tenant', tenant: 'globex' }]);
    hub.register(orders.subscriber);
    hub.register(other.subscriber);
    const oldEpoch = hub.position().epoch;

    const jsm = await jetstreamManager(bus.nc);
    await jsm.streams.delete(bus.names.eventsStream);
    await new Promise((r) => setTimeout(r, 50)); // creation times differ, so the epochs do
    await ensureStreams(bus.nc, busTopology({ prefix: bus.names.subjectPrefix, eventsStream: bus.names.eventsStream, commandsStream: bus.names.commandsStream, eventsMaxAgeMs: 3_600_000 }), logger);
    const newEpoch = await bus.epoch();
    expect(newEpoch).not.toBe(oldEpoch);

    await waitFor(() => orders.resets.length === 1 && other.resets.length === 1, { message: 'resets after recreation' });
    expect(orders.resets[0]).toEqual({ reason: 'epoch_changed', position: { epoch: newEpoch, seq: 0 } });
    expect(hub.position().epoch).toBe(newEpoch);

    const first = await bus.publish(contentEvent({ source: 'orders' }));
    expect(first).toBe(1);
    await waitFor(() => orders.frames.length === 1, { message: 'an event from the new stream' });
    expect(orders.frames[0]!.bytes.toString()).toMatch(new RegExp(`^id: ${newEpoch}:1\n`));
  });
});

