// The bus's own metrics on the real NATS: messaging metrics (semantic conventions) for
// every publish and every processed message, with the event type or consumer as the only
// target attribute (never the subject, which holds tenant and source), and the lag of a
// durable consumer as the server reports it.
import { describe, expect, it } from 'vitest';
import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { eventFilter, freshetEventSchema } from '@freshet/contracts';
import { testNames, waitFor } from '@freshet/testkit';
import { consumeDurable } from './consume-durable';
import { CONSUMER_ACK_PENDING_METRIC, CONSUMER_PENDING_METRIC, observeConsumerLag } from './consumer-lag';
import { ensureDurableConsumer } from './ensure-durable-consumer';
import { MESSAGING_METRICS } from './messaging-metrics';
import { publishEvent } from './publish-event';
import { recordingLogger, sampleContentCreated, testBusWithStreams } from './testing/bus-test-support';

class Reader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const reader = new Reader();
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

async function points(name: string): Promise<DataPoint<unknown>[]> {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints as DataPoint<unknown>[]));
}

const n = testNames('busm');
const { logger } = recordingLogger();
const bus = testBusWithStreams(n, 'bus-metrics-test', logger);

describe('bus metrics', () => {
  it('count publishes and processed messages by event type and consumer, never by subject, and time them', async () => {
    await ensureDurableConsumer(bus.nc, { stream: n.eventsStream, durable: 'metered', filterSubject: eventFilter(n.subjectPrefix, { tenant: 'acme' }), ackWaitMs: 5_000, maxAckPending: 10, maxDeliver: 3 });
    for (let i = 0; i < 3; i++) await publishEvent(bus.js, n.subjectPrefix, sampleContentCreated({ source: `orders-${i}` }));
    let handled = 0;
    const handle = await consumeDurable({ nc: bus.nc, stream: n.eventsStream, durable: 'metered', schema: freshetEventSchema, logger, handler: async () => (handled++, { ack: true }) });
    await waitFor(() => handled === 3, { message: 'three messages handled' });
    await handle.stop();

    const sent = (await points(`${MESSAGING_METRICS.sentMessages}`)) as DataPoint<number>[];
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ value: 3, attributes: { 'messaging.system': 'nats', 'messaging.operation.name': 'publish', 'messaging.destination.template': 'content.created' } });

    const consumed = (await points(MESSAGING_METRICS.consumedMessages)) as DataPoint<number>[];
    expect(consumed.map((p) => [p.attributes, p.value])).toEqual([[{ 'messaging.system': 'nats', 'messaging.operation.name': 'process', 'messaging.consumer.group.name': 'metered' }, 3]]);
    const processed = (await points(MESSAGING_METRICS.processDuration)) as DataPoint<Histogram>[];
    expect(processed[0]?.value.count).toBe(3);
    const published = (await points(MESSAGING_METRICS.clientOperationDuration)) as DataPoint<Histogram>[];
    expect(published[0]?.value.count).toBe(3);
    // No attribute value anywhere holds a subject (tenant and source live there).
    for (const p of [...sent, ...consumed, ...processed, ...published]) {
      for (const value of Object.values(p.attributes)) expect(String(value)).not.toContain(n.subjectPrefix);
    }
  });

  it('reports a durable consumer pending and ack-pending messages as the server counts them', async () => {
    await ensureDurableConsumer(bus.nc, { stream: n.eventsStream, durable: 'lagging', filterSubject: eventFilter(n.subjectPrefix, { tenant: 'lagco' }), ackWaitMs: 30_000, maxAckPending: 10, maxDeliver: 3 });
    const lag = observeConsumerLag({ nc: bus.nc, stream: n.eventsStream, durables: ['lagging', 'not-there'] });
    for (let i = 0; i < 5; i++) await publishEvent(bus.js, n.subjectPrefix, sampleContentCreated({ tenant: 'lagco' }));
    const value = async (name: string, consumer: string) => (await points(name)).find((p) => p.attributes['consumer'] === consumer)?.value;
    expect(await value(CONSUMER_PENDING_METRIC, 'lagging')).toBe(5);
    expect(await value(CONSUMER_ACK_PENDING_METRIC, 'lagging')).toBe(0);
    // A consumer that does not exist is missing, not 0.
    expect(await value(CONSUMER_PENDING_METRIC, 'not-there')).toBeUndefined();

    // One taken and held (not acked yet): one fewer pending, one waiting for its ack.
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const handle = await consumeDurable({
      nc: bus.nc,
      stream: n.eventsStream,
      durable: 'lagging',
      schema: freshetEventSchema,
      logger,
      batchSize: 1,
      handler: async () => {
        await released;
        return { ack: true };
      },
    });
    await waitFor(async () => (await value(CONSUMER_ACK_PENDING_METRIC, 'lagging')) === 1, { message: 'one delivered, unacked' });
    expect(await value(CONSUMER_PENDING_METRIC, 'lagging')).toBe(4);
    release();
    await waitFor(async () => (await value(CONSUMER_PENDING_METRIC, 'lagging')) === 0 && (await value(CONSUMER_ACK_PENDING_METRIC, 'lagging')) === 0, {
      message: 'every message acked',
    });
    await handle.stop();
    lag.stop();
  });
});
