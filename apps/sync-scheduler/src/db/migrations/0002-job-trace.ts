// Frozen in time: never import app code here.
// The trace context of the request that queued a job, so a command sent again later (the
// dispatch sweep, a stale job) still joins that request's trace (decision 0013).
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('trace', 'jsonb').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('trace').execute();
}
