// The restore fix-up of docs/operations.md against the real Postgres: an event store whose
// transaction ids come "from the future" (what a logical dump restored into a new cluster
// looks like) is unreadable and refuses appends; after rebase-transaction-ids.sql it reads
// in the old order, takes appends again, and its relay checkpoint skips nothing.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '@freshet/contracts';
import {
  appendToStream,
  createEventStoreDb,
  getStoreEpoch,
  migrateEventStore,
  readAll,
  StreamOrderConflictError,
  type Checkpoint,
  type EventStoreDatabase,
} from '@freshet/event-store';
import { dropSchema, TEST_DATABASE_URL, testNames } from '@freshet/testkit';

const REBASE_SQL = readFileSync('tools/deploy/restore/rebase-transaction-ids.sql', 'utf8');

function contentCreated(key: string): NewEvent {
  return { type: 'content.created', tenant: 'acme', source: 'orders', data: { key, hash: `h-${key}`, record: { id: key }, jobId: randomUUID() } };
}

async function runRebase(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query(REBASE_SQL);
  } finally {
    await client.end();
  }
}

describe('rebase-transaction-ids.sql (restoring a logical dump into another cluster)', () => {
  const schema = testNames('rebase').databaseSchema;
  let db: Kysely<EventStoreDatabase>;
  const stream = `orders-${randomUUID()}`;
  let positions: string[] = [];

  beforeAll(async () => {
    db = createEventStoreDb({ connectionString: TEST_DATABASE_URL, schema, poolMax: 4 });
    await migrateEventStore(db, schema);
    const appended = await appendToStream(db, stream, ['1', '2', '3', '4', '5'].map(contentCreated), { expectedVersion: 'no_stream' });
    positions = appended.events.map((e) => e.globalPosition);
  });

  afterAll(async () => {
    await db.destroy();
    await dropSchema(schema);
  });

  it('makes restored events readable in position order, appendable, with no unpublished event skipped', async () => {
    // The dump's cluster was a million transactions ahead of this one. Events 1..5 get ids
    // such that the old log order was 1, 2, 4, 3, 5, and the relay had published up to
    // event 4: events 1, 2 and 4 are out, 3 and 5 are not.
    const future = BigInt((await sql<{ id: string }>`select pg_current_xact_id()::text as id`.execute(db)).rows[0]!.id) + 1_000_000n;
    const oldIds = [future + 1n, future + 1n, future + 3n, future + 2n, future + 4n];
    for (const [index, position] of positions.entries()) {
      await sql`update events set transaction_id = ${oldIds[index]!.toString()}::xid8 where global_position = ${position}::bigint`.execute(db);
    }
    const epoch = await getStoreEpoch(db);
    await sql`insert into outbox_checkpoints (name, transaction_id, position, epoch)
              values ('jetstream', ${oldIds[3]!.toString()}::xid8, ${positions[3]!}::bigint, ${epoch})`.execute(db);

    // The problem, as the services would meet it.
    expect(await readAll(db, { limit: 100 })).toEqual([]);
    await expect(appendToStream(db, stream, [contentCreated('6')], { expectedVersion: 5 })).rejects.toBeInstanceOf(StreamOrderConflictError);

    await runRebase(schema);

    const log = await readAll(db, { limit: 100 });
    expect(log.map((e) => e.globalPosition)).toEqual(positions);
    expect(log.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5]);

    const checkpointRow = (await sql<{ transaction_id: string; position: string }>`select transaction_id::text, position::text from outbox_checkpoints where name = 'jetstream'`.execute(db)).rows[0]!;
    const checkpoint: Checkpoint = { transactionId: checkpointRow.transaction_id, position: checkpointRow.position };
    const toPublish = (await readAll(db, { after: checkpoint, limit: 100 })).map((e) => e.globalPosition);
    // 3 and 5 were never published: both come; 4 comes again (harmless); 1 and 2 do not.
    expect(toPublish).toEqual([positions[2], positions[3], positions[4]]);

    const appended = await appendToStream(db, stream, [contentCreated('6')], { expectedVersion: 5 });
    const after = await readAll(db, { after: checkpoint, limit: 100 });
    expect(after.at(-1)?.globalPosition).toBe(appended.events[0]!.globalPosition);
    expect(after.at(-1)?.streamVersion).toBe(6);

    // A second run changes nothing the relay would see.
    await runRebase(schema);
    const again = (await sql<{ position: string }>`select position::text from outbox_checkpoints where name = 'jetstream'`.execute(db)).rows[0]!;
    expect((await readAll(db, { after: { transactionId: '0', position: again.position }, limit: 100 })).map((e) => e.globalPosition)).toEqual([
      positions[2],
      positions[3],
      positions[4],
      appended.events[0]!.globalPosition,
    ]);
  });
});
