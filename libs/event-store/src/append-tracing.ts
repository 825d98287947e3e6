// An append inside a trace gets a span (`event-store append`), and each event it writes
// keeps that span's context (the `trace` column): the outbox relay publishes the event
// later, from another context, and its publish span continues this trace from the row.
// Outside a trace nothing is recorded and the events carry no context (the store starts
// no trace; see @freshet/bus for the same rule on the bus).
import { context, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { NewEvent, TraceContext } from '@freshet/contracts';

export const EVENT_STORE_TRACER_NAME = '@freshet/event-store';

const propagator = new W3CTraceContextPropagator();
const MAX_TRACESTATE = 512;

function inTrace(ctx: Context): boolean {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext !== undefined && trace.isSpanContextValid(spanContext);
}

function traceFieldsOf(ctx: Context): TraceContext | undefined {
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, { set: (c, key, value) => (c[key] = value) });
  const traceparent = carrier['traceparent'];
  if (traceparent === undefined) return undefined;
  const tracestate = carrier['tracestate'];
  // The contract (and W3C's advice) caps tracestate at 512 characters: a longer one, which a
  // caller may send, is dropped rather than let it make the event or command invalid.
  return tracestate === undefined || tracestate.length > MAX_TRACESTATE ? { traceparent } : { traceparent, tracestate };
}

/** Events that name no context of their own get the append's. */
function stamped(events: readonly NewEvent[], fields: TraceContext | undefined): readonly NewEvent[] {
  if (fields === undefined) return events;
  return events.map((event) => (event.trace === undefined ? { ...event, trace: fields } : event));
}

export async function inAppendSpan<T>(
  streamId: string,
  events: readonly NewEvent[],
  append: (events: readonly NewEvent[]) => Promise<T>,
): Promise<T> {
  const parent = context.active();
  if (!inTrace(parent)) return append(events);
  const span = trace.getTracer(EVENT_STORE_TRACER_NAME).startSpan(
    'event-store append',
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        'db.system.name': 'postgresql',
        'db.operation.name': 'append',
        'freshet.event_store.stream_id': streamId,
        'freshet.event_store.events': events.length,
        'freshet.event_store.event_types': [...new Set(events.map((e) => e.type))],
      },
    },
    parent,
  );
  const ctx = trace.setSpan(parent, span);
  try {
    return await context.with(ctx, () => append(stamped(events, traceFieldsOf(ctx))));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}
