// Spans of the bus, after the messaging semantic conventions: `publish <what>` (producer),
// `process <consumer>` (consumer), `request <api>` (client), `respond <api>` (server),
// each with messaging.system = nats, messaging.destination.name = the subject, and the
// operation's name and type.
//
// The bus continues traces and never starts one: it only makes a span when the sender is
// inside a trace (an active span) or the message names one (a `traceparent` header).
// Traces start at the edges — an HTTP request, a scheduler's background decision — so an
// untraced message costs nothing and makes no orphan root trace per message.
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { errorTypeOf, recordBusOperation } from './messaging-metrics';
import { inTrace } from './trace-context';

export const BUS_TRACER_NAME = '@freshet/bus';

/** Messaging attribute names (semantic conventions, incubating: copied rather than imported, as the package advises). */
export const MESSAGING = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  operationName: 'messaging.operation.name',
  operationType: 'messaging.operation.type',
  messageId: 'messaging.message.id',
  consumerGroup: 'messaging.consumer.group.name',
  bodySize: 'messaging.message.body.size',
} as const;

/** Freshet's own attributes on bus spans. */
export const BUS_ATTRIBUTES = {
  streamSequence: 'freshet.bus.stream_sequence',
  deliveryCount: 'freshet.bus.delivery_count',
  outcome: 'freshet.bus.outcome',
} as const;

export type MessagingOperation = 'publish' | 'process' | 'request' | 'respond';

const KIND: Record<MessagingOperation, SpanKind> = {
  publish: SpanKind.PRODUCER,
  process: SpanKind.CONSUMER,
  request: SpanKind.CLIENT,
  respond: SpanKind.SERVER,
};
const OPERATION_TYPE: Record<MessagingOperation, string> = { publish: 'send', process: 'process', request: 'send', respond: 'process' };

export interface BusSpanOptions {
  operation: MessagingOperation;
  /** Low-cardinality part of the name: an event type, a consumer, an API (`rpc.scheduler.revalidate`). */
  target: string;
  subject: string;
  parent: Context;
  attributes?: Attributes;
}

/**
 * Runs `fn` in a bus span (made active, and passed the context to inject), or — when
 * `parent` is outside any trace — without one, passing `parent` on. A throw marks the span
 * as an error and is rethrown.
 */
export async function inBusSpan<T>(options: BusSpanOptions, fn: (ctx: Context, span: Span | undefined) => Promise<T>): Promise<T> {
  // Measured whether traced or not (messaging-metrics.ts).
  const started = performance.now();
  let errorType: string | undefined;
  try {
    return await inSpanIfTraced(options, fn);
  } catch (error) {
    errorType = errorTypeOf(error);
    throw error;
  } finally {
    recordBusOperation(options.operation, options.target, (performance.now() - started) / 1000, errorType);
  }
}

async function inSpanIfTraced<T>(options: BusSpanOptions, fn: (ctx: Context, span: Span | undefined) => Promise<T>): Promise<T> {
  // Run in `parent` even so: a handler must not inherit whatever span the NATS callback happened to carry.
  if (!inTrace(options.parent)) return context.with(options.parent, () => fn(options.parent, undefined));
  const span = trace.getTracer(BUS_TRACER_NAME).startSpan(
    `${options.operation} ${options.target}`,
    {
      kind: KIND[options.operation],
      attributes: {
        [MESSAGING.system]: 'nats',
        [MESSAGING.destination]: options.subject,
        [MESSAGING.operationName]: options.operation,
        [MESSAGING.operationType]: OPERATION_TYPE[options.operation],
        ...options.attributes,
      },
    },
    options.parent,
  );
  const ctx = trace.setSpan(options.parent, span);
  try {
    return await context.with(ctx, () => fn(ctx, span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

/** `<prefix>.rpc.scheduler.revalidate` → `rpc.scheduler.revalidate`: the prefix differs per deployment and test. */
export function withoutPrefix(subject: string): string {
  const dot = subject.indexOf('.');
  return dot < 0 ? subject : subject.slice(dot + 1);
}

/** Options of the span a consumer handles one message in (the message's own trace, if it names one). */
export function processSpan(consumer: string, subject: string, parent: Context, delivery: { streamSequence: number; deliveryCount: number }): BusSpanOptions {
  return {
    operation: 'process',
    target: consumer,
    subject,
    parent,
    attributes: {
      [MESSAGING.consumerGroup]: consumer,
      [BUS_ATTRIBUTES.streamSequence]: delivery.streamSequence,
      [BUS_ATTRIBUTES.deliveryCount]: delivery.deliveryCount,
    },
  };
}

/** Notes how the handler settled the message: ack, nak or term. */
export function noteOutcome(span: Span | undefined, result: { ack: true } | { nak: number } | { term: string }): void {
  span?.setAttribute(BUS_ATTRIBUTES.outcome, 'ack' in result ? 'ack' : 'nak' in result ? 'nak' : 'term');
}
