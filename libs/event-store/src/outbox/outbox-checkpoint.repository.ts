// Loads and saves a relay's checkpoint. Saves are monotonic (a save never moves a
// checkpoint backwards within one epoch), so two instances of the same relay, or a slow
// one finishing after a fast one, can only cause republishes that JetStream dedups,
// never a skipped event.
import { sql, type Kysely } from 'kysely';
import type { Checkpoint } from '../checkpoint';
import type { EventStoreDatabase } from '../db/event-store-database';

export interface StoredCheckpoint {
  checkpoint: Checkpoint;
  epoch: string;
}

export async function findOutboxCheckpoint(db: Kysely<EventStoreDatabase>, name: string): Promise<StoredCheckpoint | undefined> {
  const row = await db
    .selectFrom('outbox_checkpoints')
    .select(['transaction_id', 'position', 'epoch'])
    .where('name', '=', name)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return { checkpoint: { transactionId: row.transaction_id, position: row.position }, epoch: row.epoch };
}

export async function saveOutboxCheckpoint(
  db: Kysely<EventStoreDatabase>,
  name: string,
  { checkpoint, epoch }: StoredCheckpoint,
): Promise<void> {
  await sql`
    insert into outbox_checkpoints (name, transaction_id, position, epoch, updated_at)
    values (${name}, ${checkpoint.transactionId}::xid8, ${checkpoint.position}::bigint, ${epoch}, now())
    on conflict (name) do update
      set transaction_id = excluded.transaction_id, position = excluded.position,
          epoch = excluded.epoch, updated_at = excluded.updated_at
      where outbox_checkpoints.epoch <> excluded.epoch
         or (outbox_checkpoints.transaction_id, outbox_checkpoints.position)
            < (excluded.transaction_id, excluded.position)
  `.execute(db);
}
