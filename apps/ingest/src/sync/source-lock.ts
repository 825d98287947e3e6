// One sync per source at a time, across every ingest replica: a Postgres advisory lock
// held on a dedicated connection for the whole sync. Two syncs of one source at once
// would each mark "seen" records and could take the other's records for deletions.
// Advisory locks are database-wide, so the key includes the store's schema.
import { sql, type Kysely } from 'kysely';
import type { IngestDatabase } from '../db/ingest-tables';

export class SourceBusyError extends Error {
  readonly code = 'SOURCE_BUSY';
  readonly retryable = true;
  constructor(tenant: string, source: string) {
    super(`a sync of ${tenant}/${source} is already running`);
    this.name = 'SourceBusyError';
  }
}

export async function withSourceLock<T>(db: Kysely<IngestDatabase>, tenant: string, source: string, fn: () => Promise<T>): Promise<T> {
  return db.connection().execute(async (connection) => {
    const key = `freshet-sync:${tenant}/${source}`;
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtextextended(current_schema() || ':' || ${key}, 0)) as locked`.execute(connection);
    if (!rows[0]?.locked) throw new SourceBusyError(tenant, source);
    try {
      return await fn();
    } finally {
      // An unlock that fails (the connection broke) must not hide the sync's own error;
      // a broken session releases its advisory locks anyway.
      await sql`select pg_advisory_unlock(hashtextextended(current_schema() || ':' || ${key}, 0))`.execute(connection).catch(() => undefined);
    }
  });
}
