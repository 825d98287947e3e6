// Row shape of `outbox_checkpoints`: how far each named relay has published, as a
// (transaction id, position) pair plus the store epoch it was taken in.
import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

export interface OutboxCheckpointsTable {
  name: string;
  transaction_id: string;
  position: string;
  epoch: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type OutboxCheckpointRow = Selectable<OutboxCheckpointsTable>;
export type NewOutboxCheckpointRow = Insertable<OutboxCheckpointsTable>;
export type OutboxCheckpointUpdate = Updateable<OutboxCheckpointsTable>;
