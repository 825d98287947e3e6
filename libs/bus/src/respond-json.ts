// A NATS request/reply endpoint speaking JSON: validates the request with its schema,
// answers `{ ok: false, error }` for bad input, and never lets a handler failure go
// unanswered (the caller would otherwise wait for its timeout). A request that names a
// trace (headers) is handled in a server span continuing it.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { z } from 'zod';
import type { Logger } from 'pino';
import { inBusSpan, withoutPrefix } from './bus-tracing';
import { headersToRecord } from './message-headers';
import { traceContextFromHeaders } from './trace-context';

export type RpcAnswer = { ok: true; [key: string]: unknown } | { ok: false; error: { code: string; message: string } };

export function respondJson<S extends z.ZodType>(
  nc: NatsConnection,
  subject: string,
  schema: S,
  logger: Logger,
  handler: (request: z.output<S>) => Promise<RpcAnswer>,
  /** Replicas of one service share the queue group, so each request is answered once. */
  queue: string,
): Subscription {
  return nc.subscribe(subject, {
    queue,
    callback: (error, msg) => {
      if (error) {
        logger.error({ err: error, subject }, 'rpc subscription failed');
        return;
      }
      const parent = traceContextFromHeaders(headersToRecord(msg.headers));
      void inBusSpan({ operation: 'respond', target: withoutPrefix(msg.subject), subject: msg.subject, parent }, async (_ctx, span): Promise<RpcAnswer> => {
        let input: unknown;
        try {
          input = msg.json();
        } catch {
          return { ok: false, error: { code: 'BAD_REQUEST', message: 'request body is not JSON' } };
        }
        const parsed = schema.safeParse(input);
        if (!parsed.success) {
          const message = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
          return { ok: false, error: { code: 'BAD_REQUEST', message } };
        }
        const answer = await handler(parsed.data);
        if (!answer.ok) span?.setAttribute('freshet.rpc.refusal', answer.error.code);
        return answer;
      })
        .then(
          (reply) => msg.respond(JSON.stringify(reply)),
          (err: unknown) => {
            logger.error({ err, subject }, 'rpc handler failed');
            msg.respond(JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: `${queue} could not answer` } }));
          },
        )
        .catch((err: unknown) => {
          // The answer itself could not be sent (e.g. larger than the server's max_payload):
          // say so in a small one rather than leave the caller to time out — or crash.
          logger.error({ err, subject }, 'rpc reply could not be sent');
          try {
            msg.respond(JSON.stringify({ ok: false, error: { code: 'REPLY_FAILED', message: `${queue} could not send its answer` } }));
          } catch (again) {
            logger.error({ err: again, subject }, 'rpc error reply could not be sent either');
          }
        });
    },
  });
}
