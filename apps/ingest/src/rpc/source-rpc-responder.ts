// Ingest's internal request/reply API over NATS: other services (the gateway, the cache)
// ask whether a source exists and how fresh it is, and read its history and its current
// records, without reading ingest's tables.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import { RPC, getRecordsRequestSchema, getSourceRequestSchema, historyQuerySchema, listSourcesRequestSchema, rpcSubject } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';
import type { IngestDatabase } from '../db/ingest-tables';
import { loadSourceHistory } from '../history/source-history';
import { loadRecordPage, RecordTooLargeError } from '../records/record-pages';
import { findSource, findSourceInfo, listSourceSchedules } from '../sources/source-repository';
import { respondJson } from '@freshet/bus';

const notFound = (tenant: string, source: string) =>
  ({ ok: false, error: { code: 'SOURCE_NOT_FOUND', message: `source ${tenant}/${source} does not exist` } }) as const;

/** NATS's default max_payload, for when the server's is not known. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** Room in a get-records reply for everything but its records: the envelope and `next` (a key of up to 512 characters, escaped). */
const REPLY_ENVELOPE_BYTES = 8 * 1024;

export function startSourceRpc(nc: NatsConnection, db: Kysely<IngestDatabase>, prefix: string, logger: Logger): { unsubscribe(): void } {
  const subscriptions: Subscription[] = [
    respondJson(nc, rpcSubject(prefix, RPC.ingest.service, RPC.ingest.getSource), getSourceRequestSchema, logger, async ({ tenant, source }) => {
      const info = await findSourceInfo(db, tenant, source);
      return info ? { ok: true, source: info } : notFound(tenant, source);
    }, 'ingest'),
    respondJson(nc, rpcSubject(prefix, RPC.ingest.service, RPC.ingest.getHistory), historyQuerySchema, logger, async (query) => {
      if (!(await findSource(db, query.tenant, query.source))) return notFound(query.tenant, query.source);
      return { ok: true, page: await loadSourceHistory(db, query) };
    }, 'ingest'),
    respondJson(nc, rpcSubject(prefix, RPC.ingest.service, RPC.ingest.listSources), listSourcesRequestSchema, logger, async ({ tenant, after, limit }) => {
      const sources = await listSourceSchedules(db, after, limit, tenant);
      const last = sources.at(-1);
      return { ok: true, sources, ...(sources.length === limit && last ? { next: `${last.tenant}/${last.source}` } : {}) };
    }, 'ingest'),
    respondJson(nc, rpcSubject(prefix, RPC.ingest.service, RPC.ingest.getRecords), getRecordsRequestSchema, logger, async (request) => {
      // A reply larger than the server's max_payload cannot be sent: such a page is cut
      // short (with a `next`), never refused.
      const maxBytes = (nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD) - REPLY_ENVELOPE_BYTES;
      try {
        const page = await loadRecordPage(db, request, { maxBytes });
        return page ? { ok: true, ...page } : notFound(request.tenant, request.source);
      } catch (error) {
        if (!(error instanceof RecordTooLargeError)) throw error;
        logger.error({ tenant: request.tenant, source: request.source, key: error.key, bytes: error.bytes }, 'a record is too large for a get-records reply');
        return { ok: false, error: { code: 'RECORD_TOO_LARGE', message: error.message } };
      }
    }, 'ingest'),
  ];
  return { unsubscribe: () => subscriptions.forEach((s) => s.unsubscribe()) };
}
