// Frozen in time: never import app code here.
// A forced request (a manual refresh) that finds its source's job already running gets a
// follow-up job, kept on the running job's row until that job ends (decision 0008).
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('follow_up', 'jsonb').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('follow_up').execute();
}
