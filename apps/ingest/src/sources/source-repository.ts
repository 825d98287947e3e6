// The sources ingest syncs: definitions (validated on the way in and out) and when
// each was last synced.
import { sql, type Kysely, type Transaction } from 'kysely';
import { sourceDefinitionSchema, type SourceDefinition, type SourceInfo } from '@freshet/contracts';
import { syncCursorSchema, type SyncCursor } from '@freshet/connectors';
import type { IngestDatabase, SourceRow } from '../db/ingest-tables';

type Db = Kysely<IngestDatabase> | Transaction<IngestDatabase>;

export interface StoredSource {
  definition: SourceDefinition;
  lastSyncedAt: Date | null;
}

function toStoredSource(row: SourceRow): StoredSource {
  return { definition: sourceDefinitionSchema.parse(row.definition), lastSyncedAt: row.last_synced_at };
}

export async function upsertSource(db: Db, definition: SourceDefinition): Promise<void> {
  const json = JSON.stringify(definition);
  // A changed definition may point elsewhere: its cursor no longer applies.
  await db
    .insertInto('sources')
    .values({ tenant: definition.tenant, source: definition.source, definition: json })
    .onConflict((oc) =>
      oc.columns(['tenant', 'source']).doUpdateSet({
        definition: json,
        updated_at: sql`now()`,
        cursor: sql`case when sources.definition = excluded.definition then sources.cursor else '{}'::jsonb end`,
      }),
    )
    .execute();
}

export async function findSource(db: Db, tenant: string, source: string): Promise<StoredSource | undefined> {
  const row = await db.selectFrom('sources').selectAll().where('tenant', '=', tenant).where('source', '=', source).executeTakeFirst();
  return row ? toStoredSource(row) : undefined;
}

export async function findSourceInfo(db: Db, tenant: string, source: string): Promise<SourceInfo | undefined> {
  const stored = await findSource(db, tenant, source);
  if (!stored) return undefined;
  const { count } = await db
    .selectFrom('records')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('tenant', '=', tenant)
    .where('source', '=', source)
    .executeTakeFirstOrThrow();
  return { ...stored.definition, lastSyncedAt: stored.lastSyncedAt?.toISOString() ?? null, recordCount: Number(count) };
}

export async function loadCursor(db: Db, tenant: string, source: string): Promise<SyncCursor> {
  const row = await db.selectFrom('sources').select('cursor').where('tenant', '=', tenant).where('source', '=', source).executeTakeFirst();
  const parsed = syncCursorSchema.safeParse(row?.cursor ?? {});
  // A cursor from an older format is treated as lost: the next sync is a full one.
  return parsed.success ? parsed.data : {};
}

export async function saveCursor(db: Db, tenant: string, source: string, cursor: SyncCursor): Promise<void> {
  await db.updateTable('sources').set({ cursor: JSON.stringify(cursor) }).where('tenant', '=', tenant).where('source', '=', source).execute();
}

export async function markSourceSynced(db: Db, tenant: string, source: string, at: Date): Promise<void> {
  await db.updateTable('sources').set({ last_synced_at: at }).where('tenant', '=', tenant).where('source', '=', source).execute();
}

export interface SourceScheduleRow {
  tenant: string;
  source: string;
  lastSyncedAt: string | null;
  minAgeMs: number;
  staleAfterMs: number;
  displayName?: string;
  watchedMinAgeMs?: number;
  backgroundPriority?: number;
}

/**
 * Sources in (tenant, source) order after the given "tenant/source", for the scheduler's
 * scan; with `tenant`, only that tenant's (the gateway's source list and overview).
 */
export async function listSourceSchedules(db: Db, after: string | undefined, limit: number, tenant?: string): Promise<SourceScheduleRow[]> {
  let query = db.selectFrom('sources').select(['tenant', 'source', 'definition', 'last_synced_at']).orderBy('tenant').orderBy('source').limit(limit);
  if (tenant !== undefined) query = query.where('tenant', '=', tenant);
  if (after) {
    const [tenant = '', source = ''] = after.split('/');
    query = query.where((eb) => eb.or([eb('tenant', '>', tenant), eb.and([eb('tenant', '=', tenant), eb('source', '>', source)])]));
  }
  const rows = await query.execute();
  return rows.map((row) => {
    const definition = sourceDefinitionSchema.parse(row.definition);
    return {
      tenant: row.tenant,
      source: row.source,
      lastSyncedAt: row.last_synced_at?.toISOString() ?? null,
      minAgeMs: definition.minAgeMs,
      staleAfterMs: definition.staleAfterMs,
      ...(definition.displayName !== undefined ? { displayName: definition.displayName } : {}),
      ...(definition.watchedMinAgeMs !== undefined ? { watchedMinAgeMs: definition.watchedMinAgeMs } : {}),
      ...(definition.schedule.backgroundPriority !== undefined ? { backgroundPriority: definition.schedule.backgroundPriority } : {}),
    };
  });
}
