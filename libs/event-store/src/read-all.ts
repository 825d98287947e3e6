// Reads the global log for position-following readers (the outbox relay, projections,
// replay). The trap it avoids: a bigserial is taken at insert but becomes visible at
// commit, so a reader that follows global_position can pass a gap that a slower
// transaction fills later, and skip that event forever. Instead readers order by
// (transaction_id, global_position) and only see transactions below the oldest one still
// running (pg_snapshot_xmin): every such transaction has finished, so nothing can ever
// appear behind the checkpoint. The price: events wait for every older open writing
// transaction anywhere in the database, so keep write transactions short.
import { sql } from 'kysely';
import { START_CHECKPOINT, type Checkpoint } from './checkpoint';
import { asEventStoreDb, type EventStoreDatabase, type EventStoreExecutor } from './db/event-store-database';
import { toStoredEvent, type StoredEvent } from './stored-event';

export interface ReadAllOptions {
  /** Return events strictly after this checkpoint (default: from the start). */
  after?: Checkpoint;
  limit: number;
}

export async function readAll<DB extends EventStoreDatabase>(db: EventStoreExecutor<DB>, options: ReadAllOptions): Promise<StoredEvent[]> {
  const after = options.after ?? START_CHECKPOINT;
  const rows = await asEventStoreDb(db)
    .selectFrom('events')
    .selectAll()
    .where(sql<boolean>`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`)
    .where(sql<boolean>`(transaction_id, global_position) > (${after.transactionId}::xid8, ${after.position}::bigint)`)
    .orderBy('transaction_id')
    .orderBy('global_position')
    .limit(options.limit)
    .execute();
  return rows.map(toStoredEvent);
}
