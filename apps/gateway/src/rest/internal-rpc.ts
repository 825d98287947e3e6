// Calls to the other services' NATS request/reply APIs, with their failures as HTTP
// problems: no answer in time → 503 (the service is down or busy: try again), a reply
// that is not what the contract says → 502, and a service's `{ok: false, error}` → the
// status its code maps to (unmapped codes → 502: the gateway cannot vouch for them).
import type { NatsConnection } from '@nats-io/transport-node';
import type { z } from 'zod';
import { RpcBadReplyError, requestJson } from '@freshet/bus';
import { rpcSubject } from '@freshet/contracts';
import { HttpProblem } from '@freshet/telemetry';

export interface RpcTarget {
  nc: NatsConnection;
  prefix: string;
  timeoutMs: number;
}

export interface ServiceCall<S extends z.ZodType> {
  service: string;
  method: string;
  payload: unknown;
  reply: S;
  /** Code and message of the 503 when the service does not answer, e.g. CACHE_UNAVAILABLE. */
  unavailable: { code: string; message: string };
}

export async function askService<S extends z.ZodType>(target: RpcTarget, call: ServiceCall<S>): Promise<z.output<S>> {
  try {
    return await requestJson(target.nc, rpcSubject(target.prefix, call.service, call.method), call.payload, call.reply, target.timeoutMs);
  } catch (error) {
    if (error instanceof RpcBadReplyError) {
      throw new HttpProblem(502, 'BAD_INTERNAL_REPLY', `${call.service} answered with an unexpected reply`, undefined, { cause: error });
    }
    throw new HttpProblem(503, call.unavailable.code, call.unavailable.message, undefined, { cause: error });
  }
}

/** A service's refusal as the HTTP problem its code maps to. */
export function problemFrom(error: { code: string; message: string }, statusOf: Readonly<Record<string, number>>): HttpProblem {
  return new HttpProblem(statusOf[error.code] ?? 502, error.code, error.message);
}
