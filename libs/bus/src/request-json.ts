// The caller's side of a JSON request/reply API: sends, waits with a deadline, and
// validates the reply with its schema. A missing or malformed reply is a typed error,
// never an unchecked object.
import type { NatsConnection } from '@nats-io/transport-node';
import type { z } from 'zod';
import { BusError } from './errors';

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

export async function requestJson<S extends z.ZodType>(nc: NatsConnection, subject: string, payload: unknown, schema: S, timeoutMs: number): Promise<z.output<S>> {
  let reply: unknown;
  try {
    reply = (await nc.request(subject, JSON.stringify(payload), { timeout: timeoutMs })).json();
  } catch (error) {
    throw new RpcUnavailableError(subject, { cause: error });
  }
  const parsed = schema.safeParse(reply);
  if (!parsed.success) throw new RpcBadReplyError(subject, { cause: parsed.error });
  return parsed.data;
}
