// The scheduler's schema: its event store (for job.queued / job.dead), then its ledger.
import type { Kysely } from 'kysely';
import { migrateEventStore, runMigrations } from '@freshet/event-store';
import type { SchedulerDatabase } from './scheduler-tables';
import * as jobs from './migrations/0001-jobs';
import * as jobTrace from './migrations/0002-job-trace';
import * as jobFollowUp from './migrations/0003-job-follow-up';

export async function migrateScheduler(db: Kysely<SchedulerDatabase>, schema: string): Promise<void> {
  await migrateEventStore(db, schema);
  await runMigrations(db, { schema, migrations: { '0001-jobs': jobs, '0002-job-trace': jobTrace, '0003-job-follow-up': jobFollowUp }, tableName: 'scheduler_migration' });
}
