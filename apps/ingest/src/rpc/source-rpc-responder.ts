// Ingest's internal request/reply API over NATS: other services (the gateway) ask
// whether a source exists and how fresh it is, without reading ingest's tables.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import { RPC, getSourceRequestSchema, rpcSubject, type GetSourceReply } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';
import type { IngestDatabase } from '../db/ingest-tables';
import { findSourceInfo } from '../sources/source-repository';

export function startSourceRpc(nc: NatsConnection, db: Kysely<IngestDatabase>, prefix: string, logger: Logger): Subscription {
  const subject = rpcSubject(prefix, RPC.ingest.service, RPC.ingest.getSource);
  return nc.subscribe(subject, {
    queue: 'ingest',
    callback: (error, msg) => {
      if (error) {
        logger.error({ err: error, subject }, 'source rpc subscription failed');
        return;
      }
      void (async (): Promise<GetSourceReply> => {
        let input: unknown;
        try {
          input = msg.json();
        } catch {
          return { ok: false, error: { code: 'BAD_REQUEST', message: 'request body is not JSON' } };
        }
        const parsed = getSourceRequestSchema.safeParse(input);
        if (!parsed.success) {
          return { ok: false, error: { code: 'BAD_REQUEST', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } };
        }
        const info = await findSourceInfo(db, parsed.data.tenant, parsed.data.source);
        return info
          ? { ok: true, source: info }
          : { ok: false, error: { code: 'SOURCE_NOT_FOUND', message: `source ${parsed.data.tenant}/${parsed.data.source} does not exist` } };
      })().then(
        (reply) => msg.respond(JSON.stringify(reply)),
        (err: unknown) => {
          logger.error({ err, subject }, 'source rpc failed');
          msg.respond(JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: 'ingest could not look up the source' } }));
        },
      );
    },
  });
}
