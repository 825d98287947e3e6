// The records projection: the current content of each source, keyed by primary key,
// with the content hash a sync diffs against. Written only in the transaction that
// appends the matching content.* events.
import type { Kysely, Transaction } from 'kysely';
import type { RecordDiff } from '@freshet/connectors';
import type { IngestDatabase } from '../db/ingest-tables';

type Db = Kysely<IngestDatabase> | Transaction<IngestDatabase>;

export async function loadRecordHashes(db: Db, tenant: string, source: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('records').select(['key', 'hash']).where('tenant', '=', tenant).where('source', '=', source).execute();
  return new Map(rows.map((r) => [r.key, r.hash]));
}

export async function applyRecordDiff(db: Db, tenant: string, source: string, diff: RecordDiff): Promise<void> {
  const upserts = [...diff.created, ...diff.updated];
  // Chunked so a large first sync stays under Postgres' bind-parameter limit.
  for (let i = 0; i < upserts.length; i += 1000) {
    const chunk = upserts.slice(i, i + 1000);
    await db
      .insertInto('records')
      .values(chunk.map((r) => ({ tenant, source, key: r.key, hash: r.hash, data: JSON.stringify(r.record) })))
      .onConflict((oc) =>
        oc.columns(['tenant', 'source', 'key']).doUpdateSet((eb) => ({
          hash: eb.ref('excluded.hash'),
          data: eb.ref('excluded.data'),
          updated_at: new Date(),
        })),
      )
      .execute();
  }
  const deletedKeys = diff.deleted.map((d) => d.key);
  for (let i = 0; i < deletedKeys.length; i += 1000) {
    await db
      .deleteFrom('records')
      .where('tenant', '=', tenant)
      .where('source', '=', source)
      .where('key', 'in', deletedKeys.slice(i, i + 1000))
      .execute();
  }
}
