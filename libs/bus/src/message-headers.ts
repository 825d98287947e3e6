// Header handling in one place: trace context and the event type go out as NATS headers
// (so a trace follows an event across hops without parsing its body), and come back to
// handlers as a plain read-only record rather than a NATS type.
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { Context } from '@opentelemetry/api';
import { injectTraceContext } from './trace-context';

export type MessageHeaders = Readonly<Record<string, string>>;

/** `traceparent`/`tracestate` of the span active in `trace` (none outside a trace), plus `extra`. */
export function outgoingHeaders(trace: Context, extra: Record<string, string> = {}): MsgHdrs {
  const h = natsHeaders();
  injectTraceContext(h, trace);
  for (const [key, value] of Object.entries(extra)) h.set(key, value);
  return h;
}

/** First value of each header, keyed as sent. */
export function headersToRecord(h: MsgHdrs | undefined): MessageHeaders {
  const record: Record<string, string> = {};
  if (h === undefined) return record;
  for (const [key, values] of h) {
    const first = values[0];
    if (first !== undefined) record[key] = first;
  }
  return record;
}
