// The bus's messaging metrics, after the OpenTelemetry semantic conventions for messaging
// (in their Prometheus form: unit suffix, counters `_total`): one measurement per bus
// operation — a publish or an RPC request (client operations), a message processed by a
// consumer or an RPC answered (process). Recorded by `inBusSpan` for every operation,
// traced or not, so the metrics never depend on sampling.
//
// Attributes stay low-cardinality: the subject is never one (it holds tenant and source);
// the operation's target is — an event or command type, an RPC name without the subject
// prefix, or the consumer's name.
import { metrics, type Attributes, type Counter, type Histogram, type Meter } from '@opentelemetry/api';
import { BUS_METER_NAME } from './bus-metrics';
import type { MessagingOperation } from './bus-tracing';

export const MESSAGING_METRICS = {
  /** Publishes and RPC requests, until the server's ack or the reply. */
  clientOperationDuration: 'messaging_client_operation_duration_seconds',
  /** Messages handled by a consumer, RPC requests answered by a responder. */
  processDuration: 'messaging_process_duration_seconds',
  sentMessages: 'messaging_client_sent_messages',
  consumedMessages: 'messaging_client_consumed_messages',
} as const;

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

interface Instruments {
  clientDuration: Histogram;
  processDuration: Histogram;
  sent: Counter;
  consumed: Counter;
}

// Made per meter (the global provider's, once the service registered it), never at import.
const byMeter = new WeakMap<Meter, Instruments>();

function instruments(): Instruments {
  const meter = metrics.getMeter(BUS_METER_NAME);
  let made = byMeter.get(meter);
  if (!made) {
    made = {
      clientDuration: meter.createHistogram(MESSAGING_METRICS.clientOperationDuration, {
        description: 'Duration of bus client operations (publish until acked, RPC request until answered), in seconds',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
      processDuration: meter.createHistogram(MESSAGING_METRICS.processDuration, {
        description: 'Duration of handling one delivered message or answering one RPC request, in seconds',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
      sent: meter.createCounter(MESSAGING_METRICS.sentMessages, { description: 'Messages published or RPC requests sent' }),
      consumed: meter.createCounter(MESSAGING_METRICS.consumedMessages, { description: 'Messages delivered to a consumer or RPC requests received' }),
    };
    byMeter.set(meter, made);
  }
  return made;
}

/** A bounded error type: the error's class name (ours and the clients' are a fixed set). */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) return /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(error.name) ? error.name : 'Error';
  return '_OTHER';
}

/**
 * Records one bus operation. `inBusSpan` does it for every operation of the bus's helpers;
 * exported for the few hand-made ones (the cache's snapshot responder, the gateway's fan-out).
 */
export function recordBusOperation(operation: MessagingOperation, target: string, seconds: number, errorType: string | undefined): void {
  const attributes: Attributes = {
    'messaging.system': 'nats',
    'messaging.operation.name': operation,
    ...(operation === 'process' ? { 'messaging.consumer.group.name': target } : { 'messaging.destination.template': target }),
    ...(errorType === undefined ? {} : { 'error.type': errorType }),
  };
  const made = instruments();
  const client = operation === 'publish' || operation === 'request';
  (client ? made.clientDuration : made.processDuration).record(seconds, attributes);
  (client ? made.sent : made.consumed).add(1, attributes);
}
