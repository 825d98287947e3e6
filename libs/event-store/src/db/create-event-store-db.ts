// Builds the Kysely handle for one store. Every pooled connection gets search_path set to
// the store's schema at connect time, so queries and migrations use unqualified names and
// several stores (or test runs) can share one database without seeing each other.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { EventStoreDatabase } from './event-store-database';
import { assertSchemaName } from './schema-name';

export interface CreateEventStoreDbOptions {
  connectionString: string;
  schema: string;
  poolMax?: number;
  /** Max wait for a new connection (TCP + start-up); pg's default waits for ever. */
  connectTimeoutMs?: number;
  /** Idle pooled clients can error (server restart); without a handler that crashes the process. */
  onPoolError?: (error: Error) => void;
}

export function createEventStoreDb<DB extends EventStoreDatabase = EventStoreDatabase>(
  options: CreateEventStoreDbOptions,
): Kysely<DB> {
  const schema = assertSchemaName(options.schema);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    options: `-c search_path=${schema}`,
  });
  pool.on('error', options.onPoolError ?? (() => undefined));
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}
