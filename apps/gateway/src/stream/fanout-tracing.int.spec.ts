// The hub's `sse.fanout` span on the real NATS: one per event, in the trace of the write
// that produced it (via the message headers), counting connections, never one per connection.
import { pino } from 'pino';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FreshetEvent } from '@freshet/contracts';
import { createServiceMetrics, startTracing, type Tracing } from '@freshet/telemetry';
import { testNames, waitFor } from '@freshet/testkit';
import { channelCarries, type Channel } from '../channels/channel';
import { startFanoutHub, type FanoutHub, type FanoutSubscriber } from './fanout-hub';
import { contentEvent, logger, startStreamBus, type StreamBus } from './testing/stream-test-gateway';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let bus: StreamBus;
let hub: FanoutHub;

/** A connection that takes frames at once (`live`) or keeps them for a later flush (a coalescing one). */
function connection(channels: Channel[], writesAtOnce: boolean): FanoutSubscriber {
  return {
    tenant: 'acme',
    channelGroup: channels.map((c) => JSON.stringify(c)).join(' '),
    carries: (event) => channels.some((c) => channelCarries(c, event)),
    deliver: () => writesAtOnce,
    discontinuity: () => undefined,
  };
}

beforeAll(async () => {
  tracing = startTracing({ service: 'gateway-test', logger: pino({ level: 'silent' }), env: {}, exporter });
  bus = await startStreamBus(testNames('gwtrace'));
  hub = await startFanoutHub({ nc: bus.nc, prefix: bus.names.subjectPrefix, eventsStream: bus.names.eventsStream, logger, meter: createServiceMetrics('gw-trace-test').meter });
  const orders: Channel = { kind: 'source', tenant: 'acme', source: 'orders' };
  const tenant: Channel = { kind: 'tenant', tenant: 'acme' };
  for (const subscriber of [connection([orders], true), connection([orders], true), connection([orders], false), connection([tenant], true)]) hub.register(subscriber);
});
afterAll(async () => {
  await hub?.stop();
  await bus?.close();
  await tracing.shutdown();
});
beforeEach(() => exporter.reset());

const WRITE = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174' };
const traced = (event: FreshetEvent): FreshetEvent => ({ ...event, trace: { traceparent: `00-${WRITE.traceId}-${WRITE.spanId}-01` } });

describe('fan-out spans', () => {
  it('one sse.fanout span per event, under the event publish, counting carrying and written connections', async () => {
    const seq = await bus.publish(traced(contentEvent({ source: 'orders', key: 'a' })));
    await waitFor(() => exporter.getFinishedSpans().some((s) => s.name === 'sse.fanout'), { message: 'fan-out span' });
    const publish = exporter.getFinishedSpans().find((s) => s.name === 'publish content.created');
    const fanouts = exporter.getFinishedSpans().filter((s) => s.name === 'sse.fanout');
    expect(fanouts).toHaveLength(1);
    const [fanout] = fanouts;
    expect(fanout?.kind).toBe(SpanKind.CONSUMER);
    expect(fanout?.spanContext().traceId).toBe(WRITE.traceId);
    expect(fanout?.parentSpanContext?.spanId).toBe(publish?.spanContext().spanId);
    expect(fanout?.attributes).toMatchObject({
      'messaging.system': 'nats',
      'freshet.event.type': 'content.created',
      'freshet.stream.seq': seq,
      // Four connections carry it (three on the source, one on the tenant); one keeps it for a later flush.
      'freshet.sse.connections_carrying': 4,
      'freshet.sse.connections_written': 3,
    });
  });

  it('no span for an event without a trace, nor for one no connection carries', async () => {
    await bus.publish(contentEvent({ source: 'orders', key: 'b' }));
    const last = await bus.publish(traced(contentEvent({ tenant: 'globex', source: 'orders', key: 'c' })));
    await waitFor(() => hub.position().seq === last, { message: 'both dispatched' });
    expect(exporter.getFinishedSpans().filter((s) => s.name === 'sse.fanout')).toEqual([]);
  });
});
