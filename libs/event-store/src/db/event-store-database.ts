// The tables the event store owns. Apps that keep their own tables in the same schema
// extend it (`Kysely<EventStoreDatabase & IngestTables>`); Kysely's types are invariant in
// the database, so every function here is generic over `DB extends EventStoreDatabase`
// and narrows with `asEventStoreDb`, which is sound because DB has at least these tables.
import type { ControlledTransaction, Kysely, Transaction } from 'kysely';
import type { EventsTable } from './events.table';
import type { OutboxCheckpointsTable } from './outbox-checkpoints.table';
import type { StoreMetaTable } from './store-meta.table';

export interface EventStoreDatabase {
  events: EventsTable;
  outbox_checkpoints: OutboxCheckpointsTable;
  store_meta: StoreMetaTable;
}

/**
 * A database handle or a caller's transaction. Transactions are Kyselys, but listing them
 * lets TypeScript infer DB from `Transaction<App & Store>`, which it cannot through Kysely<DB>.
 */
export type EventStoreExecutor<DB extends EventStoreDatabase = EventStoreDatabase> =
  | Kysely<DB>
  | Transaction<DB>
  | ControlledTransaction<DB, string[]>;

export function asEventStoreDb<DB extends EventStoreDatabase>(db: EventStoreExecutor<DB>): Kysely<EventStoreDatabase> {
  return db as unknown as Kysely<EventStoreDatabase>;
}
