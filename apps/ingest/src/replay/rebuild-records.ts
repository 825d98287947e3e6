// Rebuilds a source's records projection from its content stream in the event log:
// folds the events batch by batch into a temporary table, then swaps the source's rows
// in one transaction. Holds the source's sync lock, so no sync interleaves.
import { sql, type Kysely } from 'kysely';
import { readStream } from '@freshet/event-store';
import type { IngestDatabase } from '../db/ingest-tables';
import { withSourceLock } from '../sync/source-lock';
import { contentStreamId } from '../sync/stream-ids';
import { foldContentEvents } from './fold-content-events';

export interface RebuildResult {
  tenant: string;
  source: string;
  events: number;
  records: number;
}

export async function rebuildRecords(db: Kysely<IngestDatabase>, tenant: string, source: string, batchSize = 5_000): Promise<RebuildResult> {
  return withSourceLock(db, tenant, source, () =>
    db.transaction().execute(async (trx) => {
      await sql`create temporary table rebuild_records (key text primary key, hash text not null, data jsonb not null) on commit drop`.execute(trx);
      const streamId = contentStreamId(tenant, source);
      let fromVersion = 1;
      let events = 0;
      for (;;) {
        const slice = await readStream(trx, streamId, { fromVersion, maxCount: batchSize });
        if (slice.events.length === 0) break;
        events += slice.events.length;
        fromVersion = slice.events.at(-1)!.streamVersion + 1;
        const outcome = foldContentEvents(slice.events.map((s) => s.event));
        const deletes = [...outcome].filter(([, o]) => o.kind === 'delete').map(([key]) => key);
        const upserts = [...outcome].flatMap(([key, o]) => (o.kind === 'upsert' ? [{ key, hash: o.hash, data: JSON.stringify(o.record) }] : []));
        if (deletes.length > 0) await sql`delete from rebuild_records where key = any(${deletes})`.execute(trx);
        for (let i = 0; i < upserts.length; i += 1_000) {
          const part = upserts.slice(i, i + 1_000);
          await sql`insert into rebuild_records (key, hash, data)
            select * from unnest(${part.map((u) => u.key)}::text[], ${part.map((u) => u.hash)}::text[], ${part.map((u) => u.data)}::jsonb[])
            on conflict (key) do update set hash = excluded.hash, data = excluded.data`.execute(trx);
        }
      }
      await trx.deleteFrom('records').where('tenant', '=', tenant).where('source', '=', source).execute();
      const inserted = await sql`insert into records (tenant, source, key, hash, data)
        select ${tenant}, ${source}, key, hash, data from rebuild_records`.execute(trx);
      return { tenant, source, events, records: Number(inserted.numAffectedRows ?? 0) };
    }),
  );
}
