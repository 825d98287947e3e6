// Header handling in one place: trace context and the event type go out as NATS headers
// (so a trace follows an event across hops without parsing its body), and come back to
// handlers as a plain read-only record rather than a NATS type.
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { MsgHdrs } from '@nats-io/transport-node';
import { HEADERS, type TraceContext } from '@freshet/contracts';

export type MessageHeaders = Readonly<Record<string, string>>;

export function outgoingHeaders(trace: TraceContext | undefined, extra: Record<string, string> = {}): MsgHdrs {
  const h = natsHeaders();
  if (trace !== undefined) {
    h.set(HEADERS.traceparent, trace.traceparent);
    if (trace.tracestate !== undefined) h.set(HEADERS.tracestate, trace.tracestate);
  }
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
