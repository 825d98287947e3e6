// Frozen in time: store facts, seeded with the epoch, a uuid generated exactly once per
// store. Positions kept elsewhere carry it, so a rebuilt store is noticed, not skipped.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('store_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into store_meta (key, value) values ('epoch', gen_random_uuid()::text)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('store_meta').execute();
}
