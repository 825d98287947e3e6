// How far a relay is behind, from its own checkpoint and the events table, in one small
// query: the committed events after the checkpoint (not published yet) and the age of the
// first of them (the next one the relay will publish).
//
// It compares (transaction_id, global_position) pairs as the relay reads them: by position
// alone, an event whose transaction committed late with a lower position than the
// checkpoint's would look published and be missed. Unlike the relay, it does not stop at
// pg_snapshot_xmin: an event that is committed but waits behind an older open transaction
// (decision 0006) has not reached the bus, and that wait is exactly the lag operators need
// to see. Only committed events are visible to the query, so nothing still open is counted.
// A checkpoint from another store epoch counts as none, as the relay treats it.
//
// Cheap: an index-only range scan of events_transaction_position_idx after the checkpoint,
// capped at PENDING_COUNT_LIMIT rows, and one index probe for the first event.
import { sql } from 'kysely';
import { asEventStoreDb, type EventStoreDatabase, type EventStoreExecutor } from '../db/event-store-database';
import { EPOCH_KEY } from '../store-epoch';

/** The pending count stops here: a relay this far behind is obviously behind, and counting further costs every scrape. */
export const PENDING_COUNT_LIMIT = 100_000;

export interface OutboxLag {
  /** Committed events after the relay's checkpoint, at most PENDING_COUNT_LIMIT. */
  pending: number;
  /** Age of the first unpublished event (since its appending transaction began), in seconds; 0 when none. */
  lagSeconds: number;
}

export async function readOutboxLag<DB extends EventStoreDatabase>(db: EventStoreExecutor<DB>, relayName: string): Promise<OutboxLag> {
  const { rows } = await sql<{ pending: string; lag_seconds: string | null }>`
    with saved as (
      select c.transaction_id, c.position
      from outbox_checkpoints c
      join store_meta m on m.key = ${EPOCH_KEY} and m.value = c.epoch
      where c.name = ${relayName}
    ), checkpoint as (
      select coalesce((select transaction_id from saved), '0'::xid8) as tx,
             coalesce((select position from saved), 0::bigint) as pos
    )
    select
      (select count(*) from (
        select 1 from events e
        where (e.transaction_id, e.global_position) > ((select tx from checkpoint), (select pos from checkpoint))
        limit ${PENDING_COUNT_LIMIT}
      ) p) as pending,
      (select extract(epoch from statement_timestamp() - e.recorded_at)
        from events e
        where (e.transaction_id, e.global_position) > ((select tx from checkpoint), (select pos from checkpoint))
        order by e.transaction_id, e.global_position
        limit 1) as lag_seconds
  `.execute(asEventStoreDb(db));
  const row = rows[0];
  const pending = Number(row?.pending ?? 0);
  // Clocks: both times are the database's, so no skew; max(0) for an event stamped in the same instant.
  const lagSeconds = pending > 0 && row?.lag_seconds != null ? Math.max(0, Number(row.lag_seconds)) : 0;
  return { pending, lagSeconds };
}
