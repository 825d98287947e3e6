// Brings ingest's schema up to date: the event store's tables, then ingest's own
// projections, each tracked in its own migration table.
import type { Kysely } from 'kysely';
import { migrateEventStore, runMigrations } from '@freshet/event-store';
import type { IngestDatabase } from './ingest-tables';
import * as sourcesAndRecords from './migrations/0001-sources-and-records';
import * as cursorAndSeenMarker from './migrations/0002-cursor-and-seen-marker';
import * as recordsKeyByteOrder from './migrations/0003-records-key-byte-order';

export const ingestMigrations = {
  '0001-sources-and-records': sourcesAndRecords,
  '0002-cursor-and-seen-marker': cursorAndSeenMarker,
  '0003-records-key-byte-order': recordsKeyByteOrder,
};

export async function migrateIngest(db: Kysely<IngestDatabase>, schema: string): Promise<void> {
  await migrateEventStore(db, schema);
  await runMigrations(db, { schema, migrations: ingestMigrations, tableName: 'ingest_migration' });
}
