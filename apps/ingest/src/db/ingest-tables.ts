// Ingest's own projections, next to the event store's tables in the same schema:
// the sources it syncs and the current records of each (what a sync diffs against).
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { EventStoreDatabase } from '@freshet/event-store';

export interface SourcesTable {
  tenant: string;
  source: string;
  definition: ColumnType<unknown, string, string>;
  last_synced_at: Date | null;
  cursor: ColumnType<unknown, string | undefined, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RecordsTable {
  tenant: string;
  source: string;
  key: string;
  hash: string;
  data: ColumnType<unknown, string, string>;
  updated_at: Generated<Date>;
  last_seen_job: string | null;
}

export type SourceRow = Selectable<SourcesTable>;
export type RecordRow = Selectable<RecordsTable>;

export interface IngestTables {
  sources: SourcesTable;
  records: RecordsTable;
}

export type IngestDatabase = EventStoreDatabase & IngestTables;
