// Ingest's internal request/reply API over NATS: other services (the gateway) ask
// whether a source exists and how fresh it is, and read its history, without reading
// ingest's tables.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import { RPC, getSourceRequestSchema, historyQuerySchema, listSourcesRequestSchema, rpcSubject } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';
import type { IngestDatabase } from '../db/ingest-tables';
import { loadSourceHistory } from '../history/source-history';
import { findSource, findSourceInfo, listSourceSchedules } from '../sources/source-repository';
import { respondJson } from '@freshet/bus';

const notFound = (tenant: string, source: string) =>
  ({ ok: false, error: { code: 'SOURCE_NOT_FOUND', message: `source ${tenant}/${source} does not exist` } }) as const;

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
    respondJson(nc, rpcSubject(prefix, RPC.ingest.service, RPC.ingest.listSources), listSourcesRequestSchema, logger, async ({ after, limit }) => {
      const sources = await listSourceSchedules(db, after, limit);
      const last = sources.at(-1);
      return { ok: true, sources, ...(sources.length === limit && last ? { next: `${last.tenant}/${last.source}` } : {}) };
    }, 'ingest'),
  ];
  return { unsubscribe: () => subscriptions.forEach((s) => s.unsubscribe()) };
}
