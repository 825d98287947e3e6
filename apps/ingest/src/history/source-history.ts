// A source's history page, shared by the internal HTTP route and the NATS RPC.
import type { Kysely } from 'kysely';
import { readSourceHistory } from '@freshet/event-store';
import type { HistoryPage, HistoryQuery } from '@freshet/contracts';
import type { IngestDatabase } from '../db/ingest-tables';

export async function loadSourceHistory(db: Kysely<IngestDatabase>, query: HistoryQuery): Promise<HistoryPage> {
  const page = await readSourceHistory(db, {
    tenant: query.tenant,
    source: query.source,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    types: query.types,
    afterPosition: query.after,
    limit: query.limit,
  });
  return {
    events: page.events.map((stored) => ({ position: stored.globalPosition, event: stored.event })),
    ...(page.nextAfter ? { nextAfter: page.nextAfter } : {}),
  };
}
