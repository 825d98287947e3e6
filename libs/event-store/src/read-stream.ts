// Reads one stream in version order, for deciders that fold it before appending. Sees
// every committed event of the stream (no safe-horizon filter: a stream's versions are
// dense and ordered by its unique constraint, unlike global positions).
import { asEventStoreDb, type EventStoreDatabase, type EventStoreExecutor } from './db/event-store-database';
import { NO_STREAM_VERSION } from './expected-version';
import { toStoredEvent, type StoredEvent } from './stored-event';

export interface ReadStreamOptions {
  /** First version to return (default 1). */
  fromVersion?: number;
  maxCount?: number;
}

export interface ReadStreamResult {
  /** The stream's latest version (0 when it does not exist), whatever slice was read. */
  currentVersion: number;
  events: StoredEvent[];
}

export async function readStream<DB extends EventStoreDatabase>(
  db: EventStoreExecutor<DB>,
  streamId: string,
  options: ReadStreamOptions = {},
): Promise<ReadStreamResult> {
  const store = asEventStoreDb(db);
  // Version first, then events up to it: the pair stays consistent under READ COMMITTED
  // even if an append commits between the two statements.
  const currentVersion = await readStreamVersion(store, streamId);
  let query = store
    .selectFrom('events')
    .selectAll()
    .where('stream_id', '=', streamId)
    .where('stream_version', '>=', options.fromVersion ?? 1)
    .where('stream_version', '<=', currentVersion)
    .orderBy('stream_version');
  if (options.maxCount !== undefined) query = query.limit(options.maxCount);
  const rows = await query.execute();
  return { currentVersion, events: rows.map(toStoredEvent) };
}

export async function readStreamVersion<DB extends EventStoreDatabase>(db: EventStoreExecutor<DB>, streamId: string): Promise<number> {
  const row = await asEventStoreDb(db)
    .selectFrom('events')
    .select((eb) => eb.fn.max('stream_version').as('version'))
    .where('stream_id', '=', streamId)
    .executeTakeFirst();
  return row?.version ?? NO_STREAM_VERSION;
}
