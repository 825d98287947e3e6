// What every REST route plugin is given: the bus, the subject prefix, the deadline of
// internal requests, a logger, and how to authenticate a request (the auth module's).
import type { NatsConnection } from '@nats-io/transport-node';
import { errorBodySchema } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';
import type { Authenticate } from './access';
import type { RpcTarget } from './internal-rpc';

export interface RestRouteOptions {
  nc: NatsConnection;
  /**
   * NATS subject prefix of the internal APIs (FRESHET_SUBJECT_PREFIX). Not `prefix`: that
   * register option is Fastify's route prefix, and would be prepended to every path.
   */
  subjectPrefix: string;
  /** How long to wait for another service's internal API before answering 503 (GATEWAY_RPC_TIMEOUT_MS). */
  rpcTimeoutMs: number;
  logger: Logger;
  authenticate: Authenticate;
}

export function rpcTarget(options: RestRouteOptions): RpcTarget {
  return { nc: options.nc, prefix: options.subjectPrefix, timeoutMs: options.rpcTimeoutMs };
}

/** Every 4xx/5xx answer is `{error, message, details?}` (documented and serialized with it). */
export const errorResponses = { '4xx': errorBodySchema, '5xx': errorBodySchema } as const;
