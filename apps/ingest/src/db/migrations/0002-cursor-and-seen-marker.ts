// Frozen in time: never import app code here.
// sources.cursor: what an incremental strategy remembers between syncs.
// records.last_seen_job: which sync last listed a record, so a complete listing finds
// deletions in SQL instead of holding every key of a source in memory.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sources').addColumn('cursor', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`)).execute();
  await db.schema.alterTable('records').addColumn('last_seen_job', 'uuid').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('records').dropColumn('last_seen_job').execute();
  await db.schema.alterTable('sources').dropColumn('cursor').execute();
}
