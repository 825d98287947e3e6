// Brings a store's schema up to date: creates the schema if missing and applies the event
// store's own migrations, tracked apart from any app migrations in the same schema.
import type { Kysely } from 'kysely';
import { EVENT_STORE_MIGRATION_TABLE, eventStoreMigrations } from './event-store-migrations';
import { runMigrations } from './run-migrations';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- accepts a handle typed with any app's tables
export async function migrateEventStore(db: Kysely<any>, schema: string): Promise<string[]> {
  return runMigrations(db, { schema, migrations: eventStoreMigrations, tableName: EVENT_STORE_MIGRATION_TABLE });
}
