// One span per event the fan-out hub dispatched (`sse.fanout`), in the trace of the write
// that produced the event (its NATS headers): how many connections carried it and how many
// were written at once (the others queue it — coalescing, a replay in progress — and write
// it with their next flush). Never a span per connection: a popular event would otherwise
// add thousands of spans to one trace. Events that name no trace, and events no connection
// carries, make no span.
import { SpanKind, trace } from '@opentelemetry/api';
import { MESSAGING, traceContextFromHeaders, inTrace, type MessageHeaders } from '@freshet/bus';

export const GATEWAY_TRACER_NAME = '@freshet/gateway';

export interface FanoutFacts {
  subject: string;
  type: string;
  tenant: string;
  seq: number;
  /** Connections whose channels carry the event. */
  carried: number;
  /** Of those, the ones it was written to at once. */
  written: number;
  /** performance.now() when the hub took the event. */
  startedAt: number;
}

export function recordFanout(headers: MessageHeaders, facts: FanoutFacts): void {
  const parent = traceContextFromHeaders(headers);
  if (!inTrace(parent)) return;
  const span = trace.getTracer(GATEWAY_TRACER_NAME).startSpan('sse.fanout', { kind: SpanKind.CONSUMER, startTime: facts.startedAt }, parent);
  // The hub's hot path: attributes only for a span that is kept (sampled, exporting).
  if (span.isRecording()) {
    span.setAttributes({
      [MESSAGING.system]: 'nats',
      [MESSAGING.destination]: facts.subject,
      [MESSAGING.operationName]: 'process',
      [MESSAGING.operationType]: 'process',
      'freshet.event.type': facts.type,
      'freshet.tenant': facts.tenant,
      'freshet.stream.seq': facts.seq,
      'freshet.sse.connections_carrying': facts.carried,
      'freshet.sse.connections_written': facts.written,
    });
  }
  span.end();
}
