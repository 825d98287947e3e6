// What changed in one source over a time range, for historical views: the source's
// events (content, job, …) ordered by global position, paged by position. Only events
// below the safe horizon are returned, so one page is never missing an event that is
// still committing; a pager that is already past a position can miss an event that
// commits late into it — fine for a person looking at history, which is why
// position-following consumers use readAll instead.
import { sql } from 'kysely';
import { asEventStoreDb, type EventStoreDatabase, type EventStoreExecutor } from './db/event-store-database';
import { toStoredEvent, type StoredEvent } from './stored-event';

export interface SourceHistoryQuery {
  tenant: string;
  source: string;
  /** Inclusive lower bound on the event's time. */
  from?: Date;
  /** Exclusive upper bound on the event's time. */
  to?: Date;
  /** Event type prefixes to keep, e.g. ['content.']; all when omitted. */
  types?: string[];
  /** Continue after this global position (the last page's `nextAfter`). */
  afterPosition?: string;
  limit: number;
}

export interface SourceHistoryPage {
  events: StoredEvent[];
  /** Pass as `afterPosition` for the next page; absent on the last page. */
  nextAfter?: string;
}

export async function readSourceHistory<DB extends EventStoreDatabase>(
  db: EventStoreExecutor<DB>,
  query: SourceHistoryQuery,
): Promise<SourceHistoryPage> {
  let select = asEventStoreDb(db)
    .selectFrom('events')
    .selectAll()
    .where('tenant', '=', query.tenant)
    .where('source', '=', query.source)
    .where(sql<boolean>`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`);
  if (query.from) select = select.where('occurred_at', '>=', query.from);
  if (query.to) select = select.where('occurred_at', '<', query.to);
  if (query.afterPosition) select = select.where('global_position', '>', query.afterPosition);
  if (query.types?.length) {
    const types = query.types;
    select = select.where((eb) => eb.or(types.map((t) => eb('type', 'like', `${t.replace(/[%_]/g, '')}%`))));
  }
  const rows = await select.orderBy('global_position').limit(query.limit + 1).execute();
  const events = rows.slice(0, query.limit).map(toStoredEvent);
  const last = events.at(-1);
  return rows.length > query.limit && last ? { events, nextAfter: last.globalPosition } : { events };
}
