// Reads the store's epoch: a uuid generated once when the store was created. Anything that
// keeps a position in this store keeps the epoch with it and compares on resume, so a
// store rebuilt from scratch (positions restarting) is noticed instead of silently skipped.
import { asEventStoreDb, type EventStoreDatabase, type EventStoreExecutor } from './db/event-store-database';
import { StoreNotMigratedError } from './errors';

export const EPOCH_KEY = 'epoch';

export async function getStoreEpoch<DB extends EventStoreDatabase>(db: EventStoreExecutor<DB>): Promise<string> {
  const row = await asEventStoreDb(db)
    .selectFrom('store_meta')
    .select('value')
    .where('key', '=', EPOCH_KEY)
    .executeTakeFirst();
  if (row === undefined) throw new StoreNotMigratedError();
  return row.value;
}
