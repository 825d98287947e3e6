// The get-records RPC against the real Postgres and NATS: ingest's source responder on a
// migrated schema answers pages of a source's current records in byte order of their
// keys (the order of the cache's Redis index), whatever the column's collation, with
// prefix filters that are not LIKE patterns, and pages that always fit a NATS reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { pino } from 'pino';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { requestJson } from '@freshet/bus';
import { createEventStoreDb } from '@freshet/event-store';
import { RPC, getRecordsReplySchema, rpcSubject, sourceDefinitionSchema, type GetRecordsReply, type GetRecordsRequestInput } from '@freshet/contracts';
import { createSchema, dropSchema, testNames, TEST_DATABASE_URL, TEST_NATS_URL } from '@freshet/testkit';
import type { IngestDatabase } from '../db/ingest-tables';
import { migrateIngest } from '../db/migrate-ingest';
import { startSourceRpc } from '../rpc/source-rpc-responder';
import { markSourceSynced, upsertSource } from '../sources/source-repository';
import { applyRecordDiff } from './record-repository';
import { selectRecordRows } from './record-pages';

const names = testNames('recpages');
const TENANT = 'acme';
const SOURCE = 'items';
const SYNCED_AT = new Date('2026-03-04T05:06:07.089Z');

/**
 * Keys whose byte order differs from a linguistic collation's ('B' < 'a' < 'é'), from
 * JavaScript's UTF-16 order ('Ａ' U+FF21 < '😀' U+1F600 in bytes, the other way round in
 * UTF-16), and from what LIKE would match for a prefix with '%' or '_'.
 */
const KEYS = [
  'B', 'a', 'é', 'éclair', 'e', 'ä', 'Z9', '10', '9', '09', 'ab', 'aXb', 'a%b', 'a%c', 'a_b', 'a', '_x', '%y',
  '中文', 'Ａ', '😀', 'z\u{10ffff}', 'z\u{10ffff}a', 'zz', 'A B', 'a\\b',
].filter((k, i, all) => all.indexOf(k) === i);
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const SORTED = [...KEYS].sort(byteOrder);

let db: Kysely<IngestDatabase>;
let nc: NatsConnection;
let rpc: { unsubscribe(): void };
let linguisticCollation: string | undefined;

const subject = () => rpcSubject(names.subjectPrefix, RPC.ingest.service, RPC.ingest.getRecords);
const ask = (request: GetRecordsRequestInput | Record<string, unknown>): Promise<GetRecordsReply> => requestJson(nc, subject(), request, getRecordsReplySchema, 5_000);

async function askOk(request: GetRecordsRequestInput): Promise<Extract<GetRecordsReply, { ok: true }>> {
  const reply = await ask(request);
  if (!reply.ok) throw new Error(`get-records failed: ${reply.error.code} ${reply.error.message}`);
  return reply;
}

/** Every key of a walk from the first page to the last, following `next`. */
async function walk(request: GetRecordsRequestInput): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await askOk({ ...request, ...(after === undefined ? {} : { after }) });
    keys.push(...page.records.map((r) => r.key));
    after = page.next;
    pages += 1;
    if (pages > 100) throw new Error('the walk does not end');
  } while (after !== undefined);
  return { keys, pages };
}

async function putRecords(source: string, records: Array<{ key: string; record: Record<string, unknown> }>, tenant = TENANT) {
  await applyRecordDiff(db, tenant, source, { created: records.map((r) => ({ ...r, hash: `h-${r.key}` })), updated: [], deleted: [], unchanged: 0 });
}

async function addSource(source: string, tenant = TENANT) {
  await upsertSource(db, sourceDefinitionSchema.parse({ tenant, source, connector: { type: 'http-paged-list', baseUrl: 'http://upstream.invalid', path: '/items' } }));
}

beforeAll(async () => {
  await createSchema(names.databaseSchema);
  db = createEventStoreDb<IngestDatabase>({ connectionString: TEST_DATABASE_URL, schema: names.databaseSchema });
  await migrateIngest(db, names.databaseSchema);
  // The test database's collation (C.UTF-8) already sorts by bytes; a database created
  // with, say, en_US.UTF-8 does not. Give the column a linguistic collation so the test
  // shows the page's order does not come from it.
  const { rows } = await sql<{ collname: string }>`select collname from pg_collation where collname in ('und-x-icu', 'en-x-icu', 'en_US.utf8') order by collname desc limit 1`.execute(db);
  linguisticCollation = rows[0]?.collname;
  if (linguisticCollation) await sql`alter table records alter column key type text collate ${sql.id(linguisticCollation)}`.execute(db);

  for (const source of [SOURCE, 'other', 'empty', 'big', 'huge']) await addSource(source);
  await addSource(SOURCE, 'globex');
  await putRecords(SOURCE, KEYS.map((key, i) => ({ key, record: { id: i, key } })));
  await markSourceSynced(db, TENANT, SOURCE, SYNCED_AT);
  // Same keys under another source and another tenant: never part of the page.
  await putRecords('other', [{ key: 'a', record: { other: true } }, { key: '0', record: { other: true } }]);
  await putRecords(SOURCE, [{ key: 'a', record: { tenant: 'globex' } }, { key: '!', record: { tenant: 'globex' } }], 'globex');

  nc = await connect({ servers: TEST_NATS_URL });
  rpc = startSourceRpc(nc, db, names.subjectPrefix, pino({ level: 'silent' }));
  await nc.flush();
});

afterAll(async () => {
  rpc?.unsubscribe();
  await nc?.close();
  await db?.destroy();
  await dropSchema(names.databaseSchema);
});

describe('get-records RPC', () => {
  it('answers the source’s records in byte order of their keys, with lastSyncedAt and count', async () => {
    // The order the test relies on: bytes, not a linguistic or UTF-16 order.
    expect(SORTED.indexOf('B')).toBeLessThan(SORTED.indexOf('a'));
    expect(SORTED.indexOf('a')).toBeLessThan(SORTED.indexOf('é'));
    expect(SORTED.indexOf('Ａ')).toBeLessThan(SORTED.indexOf('😀'));
    expect(SORTED).not.toEqual([...KEYS].sort());
    expect(linguisticCollation, 'the server has a linguistic collation to test against').toBeDefined();

    const page = await askOk({ tenant: TENANT, source: SOURCE });
    expect(page.records.map((r) => r.key)).toEqual(SORTED);
    expect(page.records.find((r) => r.key === 'é')).toEqual({ key: 'é', record: { id: KEYS.indexOf('é'), key: 'é' } });
    expect(page.next).toBeUndefined();
    expect(page.lastSyncedAt).toBe(SYNCED_AT.toISOString());
    expect(page.count).toBe(KEYS.length);
  });

  it('walks pages of any size: every key once, in order, and no empty last page', async () => {
    for (const limit of [1, 3, 7, KEYS.length - 1, KEYS.length]) {
      const { keys, pages } = await walk({ tenant: TENANT, source: SOURCE, limit });
      expect(keys, `limit ${limit}`).toEqual(SORTED);
      expect(pages, `limit ${limit}`).toBe(Math.ceil(KEYS.length / limit));
    }
    const first = await askOk({ tenant: TENANT, source: SOURCE, limit: 3 });
    expect(first).toMatchObject({ next: SORTED[2], count: KEYS.length, lastSyncedAt: SYNCED_AT.toISOString() });
  });

  it('treats after as an exclusive bound in byte order, whether or not it is a key', async () => {
    const after = async (key: string) => (await askOk({ tenant: TENANT, source: SOURCE, after: key })).records.map((r) => r.key);
    expect(await after('a')).toEqual(SORTED.slice(SORTED.indexOf('a') + 1));
    expect(await after('b')).toEqual(SORTED.filter((k) => byteOrder(k, 'b') > 0));
    expect((await after('B'))[0]).toBe(SORTED[SORTED.indexOf('B') + 1]);
    expect(await after('\u{10ffff}')).toEqual([]);
    // No key holds NUL (Postgres text cannot): the keys after "a\0x" are the keys after "a".
    expect(await after('a\u0000x')).toEqual(await after('a'));
  });

  it('filters by prefix byte-wise, with % and _ taken literally', async () => {
    const withPrefix = async (prefix: string, extra: Partial<GetRecordsRequestInput> = {}) =>
      (await askOk({ tenant: TENANT, source: SOURCE, prefix, ...extra })).records.map((r) => r.key);
    expect(await withPrefix('a')).toEqual(['a', 'a%b', 'a%c', 'aXb', 'a\\b', 'a_b', 'ab']);
    expect(await withPrefix('a%')).toEqual(['a%b', 'a%c']);
    expect(await withPrefix('a_')).toEqual(['a_b']);
    expect(await withPrefix('%')).toEqual(['%y']);
    expect(await withPrefix('_')).toEqual(['_x']);
    expect(await withPrefix('a\\')).toEqual(['a\\b']);
    expect(await withPrefix('é')).toEqual(['é', 'éclair']);
    expect(await withPrefix('e')).toEqual(['e']);
    expect(await withPrefix('A')).toEqual(['A B']);
    expect(await withPrefix('z\u{10ffff}')).toEqual(['z\u{10ffff}', 'z\u{10ffff}a']);
    expect(await withPrefix('nothing')).toEqual([]);
    expect(await withPrefix('a\u0000')).toEqual([]);
    // With after, and paged.
    expect(await withPrefix('a', { after: 'a%c' })).toEqual(['aXb', 'a\\b', 'a_b', 'ab']);
    expect((await walk({ tenant: TENANT, source: SOURCE, prefix: 'a', limit: 2 })).keys).toEqual(['a', 'a%b', 'a%c', 'aXb', 'a\\b', 'a_b', 'ab']);
    const prefixed = await askOk({ tenant: TENANT, source: SOURCE, prefix: 'a', limit: 7 });
    expect(prefixed.next).toBeUndefined();
    // count is the whole source's, whatever the prefix.
    expect(prefixed.count).toBe(KEYS.length);
  });

  it('answers a source without records or sync: no records, lastSyncedAt null, count 0', async () => {
    expect(await ask({ tenant: TENANT, source: 'empty' })).toEqual({ ok: true, records: [], lastSyncedAt: null, count: 0 });
    expect(await ask({ tenant: TENANT, source: 'other' })).toMatchObject({ ok: true, records: [{ key: '0' }, { key: 'a', record: { other: true } }], count: 2 });
  });

  it('answers SOURCE_NOT_FOUND for an unknown source', async () => {
    expect(await ask({ tenant: TENANT, source: 'ghost' })).toEqual({
      ok: false,
      error: { code: 'SOURCE_NOT_FOUND', message: expect.stringContaining(`${TENANT}/ghost`) },
    });
    expect(await ask({ tenant: 'nobody', source: SOURCE })).toMatchObject({ ok: false, error: { code: 'SOURCE_NOT_FOUND' } });
  });

  it('answers BAD_REQUEST naming the field for an invalid request', async () => {
    const bad = async (request: Record<string, unknown>, field: string) =>
      expect(await ask(request), JSON.stringify(request)).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining(field) } });
    await bad({ tenant: TENANT, source: SOURCE, limit: 0 }, 'limit');
    await bad({ tenant: TENANT, source: SOURCE, limit: 1001 }, 'limit');
    await bad({ tenant: TENANT, source: SOURCE, limit: 2.5 }, 'limit');
    await bad({ tenant: TENANT, source: SOURCE, limit: '10' }, 'limit');
    await bad({ tenant: TENANT, source: SOURCE, after: '' }, 'after');
    await bad({ tenant: TENANT, source: SOURCE, prefix: '' }, 'prefix');
    await bad({ tenant: TENANT, source: SOURCE, cursor: 'x' }, 'cursor');
    await bad({ tenant: 'acme.*', source: SOURCE }, 'tenant');
    await bad({ tenant: TENANT }, 'source');
    const garbage = await nc.request(subject(), 'not json', { timeout: 5_000 });
    expect(garbage.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('cuts a page short of NATS max_payload, with next, and refuses a record that cannot fit any reply', async () => {
    const text = 'x'.repeat(300_000);
    await putRecords('big', ['b1', 'b2', 'b3', 'b4', 'b5'].map((key) => ({ key, record: { text } })));
    const first = await askOk({ tenant: TENANT, source: 'big' });
    expect(first.records.length).toBeGreaterThan(0);
    expect(first.records.length).toBeLessThan(5);
    expect(first.next).toBe(first.records.at(-1)?.key);
    expect(Buffer.byteLength(JSON.stringify(first))).toBeLessThanOrEqual(nc.info?.max_payload ?? 0);
    expect((await walk({ tenant: TENANT, source: 'big' })).keys).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);

    await putRecords('huge', [{ key: 'h', record: { text: 'x'.repeat((nc.info?.max_payload ?? 1_048_576) + 1) } }]);
    expect(await ask({ tenant: TENANT, source: 'huge' })).toMatchObject({ ok: false, error: { code: 'RECORD_TOO_LARGE' } });
  });

  it('reads the page from the byte-ordered index without sorting the source', async () => {
    const plan = await db.transaction().execute(async (trx) => {
      // Planner costs on a tiny table would pick a scan and a sort; forbid both to see whether the index can serve the order.
      await sql`set local enable_seqscan = off`.execute(trx);
      await sql`set local enable_bitmapscan = off`.execute(trx);
      await sql`set local enable_sort = off`.execute(trx);
      const rows = await selectRecordRows(trx, { tenant: TENANT, source: SOURCE, after: 'a', prefix: 'a', limit: 10 }).explain();
      return rows.map((r) => String(Object.values(r)[0])).join('\n');
    });
    expect(plan).toContain('records_key_bytes_idx');
    expect(plan).not.toMatch(/\bSort\b/);
  });
});
