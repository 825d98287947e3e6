// A stand-in for ingest's list-sources RPC in the scan tests: the given sources, paged by
// `after`/`limit` the way ingest pages them (keyset on "tenant/source").
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { respondJson } from '@freshet/bus';
import { RPC, listSourcesRequestSchema, rpcSubject } from '@freshet/contracts';
import type { SourceSchedule } from '../due-sources';

export function servePagedDirectory(nc: NatsConnection, prefix: string, sources: readonly SourceSchedule[], logger: Logger): Subscription {
  return respondJson(
    nc,
    rpcSubject(prefix, RPC.ingest.service, RPC.ingest.listSources),
    listSourcesRequestSchema,
    logger,
    async ({ after, limit }) => {
      const start = after ? sources.findIndex((s) => `${s.tenant}/${s.source}` === after) + 1 : 0;
      const page = sources.slice(start, start + limit);
      const last = page.at(-1);
      return { ok: true, sources: page, ...(page.length === limit && last ? { next: `${last.tenant}/${last.source}` } : {}) };
    },
    'ingest',
  );
}
