// Frozen in time: never import app code here.
// records (tenant, source, key COLLATE "C"): the get-records RPC pages a source's records
// in byte order of their keys (the order of the cache's Redis index), which the primary
// key serves only when the database's collation happens to be C.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('records_key_bytes_idx').on('records').columns(['tenant', 'source']).expression(sql`key collate "C"`).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('records_key_bytes_idx').execute();
}
