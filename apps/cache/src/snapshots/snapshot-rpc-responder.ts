// The snapshot read over NATS request/reply (`<prefix>.rpc.cache.snapshot`): the same
// answer as the HTTP route, with its errors as `{ ok: false, error: { code, message } }`.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { respondJson } from '@freshet/bus';
import { RPC, rpcSubject, snapshotRequestSchema } from '@freshet/contracts';
import { HttpProblem, type Logger } from '@freshet/telemetry';
import type { SnapshotReader } from './snapshot-reader';

export function startSnapshotRpc(nc: NatsConnection, reader: SnapshotReader, prefix: string, logger: Logger): Subscription {
  return respondJson(
    nc,
    rpcSubject(prefix, RPC.cache.service, RPC.cache.snapshot),
    snapshotRequestSchema,
    logger,
    async (request) => {
      try {
        return { ok: true, ...(await reader.read(request)) };
      } catch (error) {
        if (error instanceof HttpProblem) return { ok: false, error: { code: error.code, message: error.message } };
        throw error;
      }
    },
    'cache',
  );
}
