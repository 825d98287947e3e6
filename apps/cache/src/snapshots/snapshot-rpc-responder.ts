// The snapshot read over NATS request/reply (`<prefix>.rpc.cache.snapshot`): the same
// answer as the HTTP route, as `{ ok: true, records, next?, meta }`, with its errors as
// `{ ok: false, error: { code, message } }`. Not respondJson: the page is already JSON
// bytes (records are sent as stored), and serializing it again would cost the read its speed.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { recordBusOperation } from '@freshet/bus';
import { RPC, rpcSubject, snapshotRequestSchema } from '@freshet/contracts';
import { HttpProblem, type Logger } from '@freshet/telemetry';
import type { SnapshotReader } from './snapshot-reader';

const failure = (code: string, message: string) => JSON.stringify({ ok: false, error: { code, message } });

async function answer(reader: SnapshotReader, data: Uint8Array, logger: Logger): Promise<string | Buffer> {
  let input: unknown;
  try {
    input = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return failure('BAD_REQUEST', 'request body is not JSON');
  }
  const parsed = snapshotRequestSchema.safeParse(input);
  if (!parsed.success) return failure('BAD_REQUEST', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  try {
    return await reader.readEncoded(parsed.data, {}, '"ok":true,');
  } catch (error) {
    if (error instanceof HttpProblem) return failure(error.code, error.message);
    logger.error({ err: error }, 'snapshot rpc failed');
    return failure('INTERNAL', 'cache could not answer');
  }
}

export function startSnapshotRpc(nc: NatsConnection, reader: SnapshotReader, prefix: string, logger: Logger): Subscription {
  const subject = rpcSubject(prefix, RPC.cache.service, RPC.cache.snapshot);
  const api = `rpc.${RPC.cache.service}.${RPC.cache.snapshot}`;
  return nc.subscribe(subject, {
    queue: 'cache',
    callback: (error, msg) => {
      if (error) {
        logger.error({ err: error, subject }, 'rpc subscription failed');
        return;
      }
      const started = performance.now();
      void answer(reader, msg.data, logger).then((reply) => {
        // The messaging metrics respondJson would have recorded (bounded: one RPC name).
        recordBusOperation('respond', api, (performance.now() - started) / 1000, undefined);
        try {
          msg.respond(reply);
        } catch (sendError) {
          // Larger than the server's max_payload, say: answer in a small one instead of never.
          logger.error({ err: sendError, subject }, 'snapshot reply could not be sent');
          msg.respond(failure('REPLY_FAILED', 'the page is too large for one NATS message; ask for a smaller limit'));
        }
      });
    },
  });
}
