// The records projection: the current content of each source, keyed by primary key,
// with the content hash a sync diffs against and the job that last listed it. Written
// only in the transactions that append the matching content.* events.
import type { Kysely, Transaction } from 'kysely';
import type { RecordDiff } from '@freshet/connectors';
import type { IngestDatabase } from '../db/ingest-tables';

type Db = Kysely<IngestDatabase> | Transaction<IngestDatabase>;
const CHUNK = 1000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Hashes of the given keys (a page's worth), or of the whole source when keys is omitted. */
export async function loadRecordHashes(db: Db, tenant: string, source: string, keys?: readonly string[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  if (keys?.length === 0) return result;
  for (const part of keys ? chunks(keys) : [undefined]) {
    let query = db.selectFrom('records').select(['key', 'hash']).where('tenant', '=', tenant).where('source', '=', source);
    if (part) query = query.where('key', 'in', part);
    for (const row of await query.execute()) result.set(row.key, row.hash);
  }
  return result;
}

export async function applyRecordDiff(db: Db, tenant: string, source: string, diff: RecordDiff, jobId?: string): Promise<void> {
  for (const part of chunks([...diff.created, ...diff.updated])) {
    await db
      .insertInto('records')
      .values(part.map((r) => ({ tenant, source, key: r.key, hash: r.hash, data: JSON.stringify(r.record), last_seen_job: jobId ?? null })))
      .onConflict((oc) =>
        oc.columns(['tenant', 'source', 'key']).doUpdateSet((eb) => ({
          hash: eb.ref('excluded.hash'),
          data: eb.ref('excluded.data'),
          last_seen_job: eb.ref('excluded.last_seen_job'),
          updated_at: new Date(),
        })),
      )
      .execute();
  }
  for (const part of chunks(diff.deleted.map((d) => d.key))) {
    await db.deleteFrom('records').where('tenant', '=', tenant).where('source', '=', source).where('key', 'in', part).execute();
  }
}

/** Marks records as listed by this job (unchanged ones included). */
export async function markSeen(db: Db, tenant: string, source: string, keys: readonly string[], jobId: string): Promise<void> {
  for (const part of chunks(keys)) {
    await db.updateTable('records').set({ last_seen_job: jobId }).where('tenant', '=', tenant).where('source', '=', source).where('key', 'in', part).execute();
  }
}

/** Records a complete listing by this job did not include: deletions upstream. */
export async function findUnseen(db: Db, tenant: string, source: string, jobId: string): Promise<Array<{ key: string; previousHash: string }>> {
  const rows = await db
    .selectFrom('records')
    .select(['key', 'hash'])
    .where('tenant', '=', tenant)
    .where('source', '=', source)
    .where((eb) => eb.or([eb('last_seen_job', 'is', null), eb('last_seen_job', '!=', jobId)]))
    .execute();
  return rows.map((r) => ({ key: r.key, previousHash: r.hash }));
}
