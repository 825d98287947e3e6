// Row shape of `events`, the append-only log. bigint and xid8 come back from pg as strings
// (they overflow a JS number), jsonb as parsed values, timestamptz as Date.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export interface EventsTable {
  global_position: ColumnType<string, never, never>;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  tenant: string;
  source: string;
  /** Written as a JSON string so pg never mistakes an array for a Postgres array. */
  data: ColumnType<unknown, string, never>;
  trace: ColumnType<unknown, string | null, never>;
  occurred_at: ColumnType<Date, string, never>;
  recorded_at: Generated<Date>;
  transaction_id: ColumnType<string, never, never>;
}

export type EventRow = Selectable<EventsTable>;
export type NewEventRow = Insertable<EventsTable>;
