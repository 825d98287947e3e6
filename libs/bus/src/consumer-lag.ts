// How far durable consumers are behind, read from the server when /metrics is scraped:
// `freshet_bus_consumer_pending_messages` (in the stream, matching the consumer's filter,
// not delivered yet) and `freshet_bus_consumer_ack_pending_messages` (delivered, not acked
// yet), by stream and consumer. Every replica of a service reports the same server-side
// numbers: aggregate with max, not sum. A consumer the server does not answer for within
// the timeout is left out of that scrape rather than holding it.
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { metrics, type BatchObservableCallback, type Meter } from '@opentelemetry/api';
import { BUS_METER_NAME } from './bus-metrics';

export const CONSUMER_PENDING_METRIC = 'freshet_bus_consumer_pending_messages';
export const CONSUMER_ACK_PENDING_METRIC = 'freshet_bus_consumer_ack_pending_messages';

export interface ConsumerLagOptions {
  nc: NatsConnection;
  stream: string;
  durables: readonly string[];
  /** Default: the global provider's bus meter. */
  meter?: Meter;
  /** How long one scrape waits for the server (default 2 s). */
  timeoutMs?: number;
}

export interface ConsumerLagObserver {
  stop(): void;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function observeConsumerLag(options: ConsumerLagOptions): ConsumerLagObserver {
  const meter = options.meter ?? metrics.getMeter(BUS_METER_NAME);
  const timeoutMs = options.timeoutMs ?? 2_000;
  const pending = meter.createObservableGauge(CONSUMER_PENDING_METRIC, { description: 'Messages in the stream a durable consumer has not been delivered yet' });
  const ackPending = meter.createObservableGauge(CONSUMER_ACK_PENDING_METRIC, { description: 'Messages delivered to a durable consumer and not acknowledged yet' });
  let jsm: Promise<JetStreamManager> | undefined;

  const callback: BatchObservableCallback = async (result) => {
    if (options.nc.isClosed() || options.nc.isDraining()) return;
    let manager: JetStreamManager;
    try {
      manager = await (jsm ??= jetstreamManager(options.nc, { checkAPI: false }));
    } catch {
      jsm = undefined; // asked again at the next scrape
      return;
    }
    await Promise.all(
      options.durables.map(async (durable) => {
        try {
          const info = await withTimeout(manager.consumers.info(options.stream, durable), timeoutMs);
          const labels = { stream: options.stream, consumer: durable };
          result.observe(pending, info.num_pending, labels);
          result.observe(ackPending, info.num_ack_pending, labels);
        } catch {
          // Missing from this scrape; a consumer that is gone shows as a gap, not as 0.
        }
      }),
    );
  };
  meter.addBatchObservableCallback(callback, [pending, ackPending]);
  return { stop: () => meter.removeBatchObservableCallback(callback, [pending, ackPending]) };
}
