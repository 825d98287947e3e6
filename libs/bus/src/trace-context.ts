// W3C trace context on the bus: into NATS headers on the way out, back into an
// OpenTelemetry Context on the way in, and to and from the `{traceparent, tracestate}`
// fields the event store and the scheduler's job ledger persist.
//
// The propagator is W3C's own, not the SDK's global one: `traceparent`/`tracestate` are
// the bus's wire contract (HEADERS in @freshet/contracts), whatever a process configured,
// and it works in processes (and tests) that never started tracing.
import { ROOT_CONTEXT, trace, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { TraceContext } from '@freshet/contracts';
import type { MessageHeaders } from './message-headers';

const propagator = new W3CTraceContextPropagator();
const MAX_TRACESTATE = 512;

const recordGetter: TextMapGetter<Readonly<Record<string, string | undefined>>> = {
  get: (carrier, key) => carrier[key],
  keys: (carrier) => Object.keys(carrier),
};
const natsSetter: TextMapSetter<MsgHdrs> = { set: (carrier, key, value) => carrier.set(key, value) };

/** Adds `traceparent` (and `tracestate`) for the span active in `ctx`; nothing when there is none. */
export function injectTraceContext(headers: MsgHdrs, ctx: Context): void {
  propagator.inject(ctx, headers, natsSetter);
}

/** The remote span a message's headers name, as a parent context (ROOT when they name none). */
export function traceContextFromHeaders(headers: MessageHeaders): Context {
  return propagator.extract(ROOT_CONTEXT, headers, recordGetter);
}

/** The stored fields as a parent context (ROOT when absent or malformed). */
export function contextOfTraceFields(fields: TraceContext | undefined): Context {
  return fields === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, fields, recordGetter);
}

/** The span active in `ctx` as fields to persist with a job or an event; undefined outside a trace. */
export function traceFieldsOf(ctx: Context): TraceContext | undefined {
  if (trace.getSpanContext(ctx) === undefined) return undefined;
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, { set: (c, key, value) => (c[key] = value) });
  const traceparent = carrier['traceparent'];
  if (traceparent === undefined) return undefined;
  const tracestate = carrier['tracestate'];
  // The contract (and W3C's advice) caps tracestate at 512 characters: a longer one, which a
  // caller may send, is dropped rather than let it make the event or command invalid.
  return tracestate === undefined || tracestate.length > MAX_TRACESTATE ? { traceparent } : { traceparent, tracestate };
}

/** Whether `ctx` is inside a trace (a valid span, local or remote). */
export function inTrace(ctx: Context): boolean {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext !== undefined && trace.isSpanContextValid(spanContext);
}
