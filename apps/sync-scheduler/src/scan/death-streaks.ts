// The ledger side of the dead-job backoff: reads, for one page of the source directory, the
// jobs that died since each source last synced (one query), keyed as the scan plan wants.
import type { Kysely } from 'kysely';
import type { SchedulerDatabase } from '../db/scheduler-tables';
import { deadJobsSinceSynced } from '../jobs/job-repository';
import { sourceKey, type DeathStreak, type SourceSchedule } from './due-sources';

export type ReadDeathStreaks = (page: readonly SourceSchedule[]) => Promise<ReadonlyMap<string, DeathStreak>>;

export function deathStreakReader(db: Kysely<SchedulerDatabase>): ReadDeathStreaks {
  return async (page) => {
    const rows = await deadJobsSinceSynced(db, page);
    return new Map(rows.map((r) => [sourceKey(r.tenant, r.source), { deaths: r.deaths, lastDeathAt: r.lastDeathAt.toISOString() }]));
  };
}
