// A page of a source's current records for the get-records RPC, ordered by key in byte
// order (COLLATE "C", whatever the database's collation): the order of the cache's Redis
// index (ZRANGEBYLEX compares bytes), so a walk that switches between the two neither
// skips nor repeats keys. The page, the source's last sync and its record count are read
// in one REPEATABLE READ snapshot.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { GetRecordsRequest, UpstreamRecord } from '@freshet/contracts';
import type { IngestDatabase } from '../db/ingest-tables';

type Db = Kysely<IngestDatabase> | Transaction<IngestDatabase>;

export interface RecordPage {
  records: Array<{ key: string; record: UpstreamRecord }>;
  /** Last key of this page when more records follow. */
  next?: string;
  lastSyncedAt: string | null;
  /** Records of the whole source (page and prefix aside). */
  count: number;
}

/** One record's JSON alone is larger than a reply may be. */
export class RecordTooLargeError extends Error {
  constructor(
    readonly key: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`record ${JSON.stringify(key)} takes ${bytes} bytes of JSON, more than a reply may carry (${maxBytes})`);
    this.name = 'RecordTooLargeError';
  }
}

/**
 * The smallest string above every string starting with `prefix`, in byte (= code point)
 * order: the prefix's last code point incremented, after dropping trailing U+10FFFF.
 * Undefined when there is none (the prefix is all U+10FFFF).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const codePoints = Array.from(prefix, (c) => c.codePointAt(0) ?? 0);
  while (codePoints.length > 0) {
    const last = codePoints.pop() ?? 0;
    if (last < 0x10ffff) {
      // Surrogates are not characters: U+D7FF is followed by U+E000.
      codePoints.push(last + 1 === 0xd800 ? 0xe000 : last + 1);
      return String.fromCodePoint(...codePoints);
    }
  }
  return undefined;
}

/**
 * The rows that fit a reply: at most `limit`, and (always at least one) no more than
 * `maxBytes` of JSON together. `next` is set when rows were left over.
 */
export function fitPage(
  rows: ReadonlyArray<{ key: string; record: UpstreamRecord }>,
  limit: number,
  maxBytes: number,
): Pick<RecordPage, 'records' | 'next'> {
  const records: RecordPage['records'] = [];
  let bytes = 0;
  for (const row of rows) {
    if (records.length === limit) break;
    // Each element of the reply's array, with its separating comma.
    const size = Buffer.byteLength(JSON.stringify(row)) + 1;
    if (bytes + size > maxBytes) {
      if (records.length === 0) throw new RecordTooLargeError(row.key, size, maxBytes);
      break;
    }
    bytes += size;
    records.push(row);
  }
  const last = records.at(-1);
  return { records, ...(records.length < rows.length && last ? { next: last.key } : {}) };
}

const byteOrderKey = sql<string>`${sql.ref('key')} collate "C"`;

/**
 * The page query: `limit` + 1 rows (the extra one tells whether a next page exists) in
 * byte order of their keys, served by records_key_bytes_idx without sorting the source.
 */
export function selectRecordRows(db: Db, request: Pick<GetRecordsRequest, 'tenant' | 'source' | 'after' | 'prefix' | 'limit'>) {
  const { tenant, source, after, prefix, limit } = request;
  let query = db
    .selectFrom('records')
    .select(['key', 'data'])
    .where('tenant', '=', tenant)
    .where('source', '=', source)
    .orderBy(byteOrderKey)
    .limit(limit + 1);
  if (after) query = query.where(byteOrderKey, '>', after);
  if (prefix) {
    // A range on the byte-ordered index rather than LIKE, where '%' and '_' are wildcards.
    query = query.where(byteOrderKey, '>=', prefix);
    const upper = prefixUpperBound(prefix);
    if (upper !== undefined) query = query.where(byteOrderKey, '<', upper);
  }
  return query;
}

/** The page, or undefined when the source does not exist. */
export async function loadRecordPage(db: Kysely<IngestDatabase>, request: GetRecordsRequest, options: { maxBytes: number }): Promise<RecordPage | undefined> {
  const { tenant, source, limit } = request;
  // Postgres text cannot hold NUL, so no key contains one: no key starts with a prefix that
  // does, and the keys after "a\0…" are the keys after "a".
  const prefix = request.prefix;
  const after = request.after?.split('\0')[0];
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const found = await trx.selectFrom('sources').select('last_synced_at').where('tenant', '=', tenant).where('source', '=', source).executeTakeFirst();
      if (!found) return undefined;
      const { count } = await trx
        .selectFrom('records')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('tenant', '=', tenant)
        .where('source', '=', source)
        .executeTakeFirstOrThrow();
      const page = { lastSyncedAt: found.last_synced_at?.toISOString() ?? null, count: Number(count) };
      if (prefix?.includes('\0')) return { ...page, records: [] };
      const rows = await selectRecordRows(trx, { tenant, source, after, prefix, limit }).execute();
      return { ...page, ...fitPage(rows.map((r) => ({ key: r.key, record: r.data as UpstreamRecord })), limit, options.maxBytes) };
    });
}
