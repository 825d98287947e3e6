// The caller's side of a JSON request/reply API: sends, waits with a deadline, and
// validates the reply with its schema. A missing or malformed reply is a typed error,
// never an unchecked object. Inside a trace, the request is a client span whose context
// travels in the request's headers (the responder's span continues it).
import { context, SpanStatusCode } from '@opentelemetry/api';
import type { NatsConnection } from '@nats-io/transport-node';
import type { z } from 'zod';
import { inBusSpan, withoutPrefix } from './bus-tracing';
import { BusError } from './errors';
import { outgoingHeaders } from './message-headers';

export class RpcUnavailableError extends BusError {
  constructor(subject: string, options?: { cause?: unknown }) {
    super('RPC_UNAVAILABLE', `no answer on ${subject}`, options);
  }
}

export class RpcBadReplyError extends BusError {
  constructor(subject: string, options?: { cause?: unknown }) {
    super('RPC_BAD_REPLY', `unexpected reply on ${subject}`, options);
  }
}

/** A service's refusal (`{ok: false, error: {code}}`) is an answer, not a failed call: its code is noted on the span. */
function refusalCode(reply: unknown): string | undefined {
  if (typeof reply !== 'object' || reply === null || (reply as { ok?: unknown }).ok !== false) return undefined;
  const code = (reply as { error?: { code?: unknown } }).error?.code;
  return typeof code === 'string' ? code : undefined;
}

export async function requestJson<S extends z.ZodType>(nc: NatsConnection, subject: string, payload: unknown, schema: S, timeoutMs: number): Promise<z.output<S>> {
  return inBusSpan({ operation: 'request', target: withoutPrefix(subject), subject, parent: context.active() }, async (ctx, span) => {
    let reply: unknown;
    try {
      reply = (await nc.request(subject, JSON.stringify(payload), { timeout: timeoutMs, headers: outgoingHeaders(ctx) })).json();
    } catch (error) {
      throw new RpcUnavailableError(subject, { cause: error });
    }
    const parsed = schema.safeParse(reply);
    if (!parsed.success) throw new RpcBadReplyError(subject, { cause: parsed.error });
    const refusal = refusalCode(parsed.data);
    if (refusal !== undefined) span?.setAttribute('freshet.rpc.refusal', refusal);
    if (refusal === 'INTERNAL') span?.setStatus({ code: SpanStatusCode.ERROR });
    return parsed.data;
  });
}
