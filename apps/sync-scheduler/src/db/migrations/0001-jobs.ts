// Frozen in time: never import app code here.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('job_id', 'uuid', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull().defaultTo('sync'))
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'jsonb')
    .addColumn('stats', 'jsonb')
    .addColumn('queued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('dispatched_at', 'timestamptz')
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Single flight across scheduler replicas: at most one active job per source.
  await sql`create unique index jobs_one_active_per_source on jobs (tenant, source) where status in ('queued', 'running', 'retrying')`.execute(db);
  await db.schema.createIndex('jobs_status_queued_at').on('jobs').columns(['status', 'queued_at']).execute();
  await db.schema.createIndex('jobs_finished_at').on('jobs').column('finished_at').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('jobs').execute();
}
