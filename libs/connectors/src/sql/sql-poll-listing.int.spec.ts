// Listings from the real test Postgres and MariaDB: batching, normalization across
// dialects, keys, guards and stopping early.
import type { SqlDialect, SqlPollConnectorInput } from '@freshet/contracts';
import { TEST_DATABASE_URL, waitFor } from '@freshet/testkit';
import { describe, expect, it } from 'vitest';
import type { FetchedRecord } from '../record-diff';
import { createSqlPollConnector, SQL_POLL_BATCH_SIZE, type SqlPollSource } from './sql-poll-connector';
import { envUrlConfig, SQL_URL_ENV } from './testing/env-url-config';
import { failureOf } from './testing/listing-failure';
import { machineTablesPerFile } from './testing/machine-tables-per-file';
import { MACHINE_COLUMNS, MACHINE_COUNT, TEST_MYSQL_URL } from './testing/machines-fixture';

const URLS: Record<SqlDialect, string> = { postgres: TEST_DATABASE_URL, mysql: TEST_MYSQL_URL };
const machines = machineTablesPerFile();

function connector(dialect: SqlDialect, query: string, extra: Partial<SqlPollConnectorInput> = {}): SqlPollSource {
  return machines.closeAfterAll(createSqlPollConnector(envUrlConfig(dialect, query, extra), { env: { [SQL_URL_ENV]: URLS[dialect] } }));
}

async function collect(iterable: AsyncIterable<FetchedRecord[]>): Promise<FetchedRecord[][]> {
  const batches: FetchedRecord[][] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

const listing = async (dialect: SqlDialect, extra: Partial<SqlPollConnectorInput> = {}) =>
  (await collect(connector(dialect, `select ${MACHINE_COLUMNS} from ${machines.table(dialect)}`, extra).fetchRows())).flat();

describe.each(['postgres', 'mysql'] as const)('%s listing', (dialect) => {
  it('streams every row in batches of at most 1000, each keyed and hashed', async () => {
    const batches = await collect(connector(dialect, `select ${MACHINE_COLUMNS} from ${machines.table(dialect)}`).fetchRows());
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(batches.every((b) => b.length <= SQL_POLL_BATCH_SIZE)).toBe(true);
    const records = batches.flat();
    expect(new Set(records.map((r) => r.key)).size).toBe(MACHINE_COUNT);
    expect(records.find((r) => r.key === '1')?.record).toEqual({
      plant: 'south',
      id: 1,
      line_no: 0,
      name: 'Machine 1',
      serial: '9007199254740994',
      temperature: '0.37',
      speed: 0.25,
      active: true,
      installed_on: '2024-02-29',
      last_seen: '2024-03-01T06:01:00.001Z',
      updated_at: '2024-03-01T07:00:00.123Z',
      firmware: 'ZnctMQ==',
    });
    expect(records.find((r) => r.key === '350')?.record).toMatchObject({ temperature: null, installed_on: null, firmware: null, name: 'Pressé 350 "Nº|\\ü"' });
  });

  it('joins a composite primary key into one key', async () => {
    const records = await listing(dialect, { primaryKey: ['plant', 'line_no'] });
    expect(records).toHaveLength(MACHINE_COUNT);
    expect(records.find((r) => r.record['id'] === 3)?.key).toBe('north|1');
    expect(new Set(records.map((r) => r.key)).size).toBe(MACHINE_COUNT);
  });

  it('fails the listing past maxRows', async () => {
    const source = connector(dialect, `select ${MACHINE_COLUMNS} from ${machines.table(dialect)}`, { maxRows: 2_000 });
    const error = await failureOf(source.fetchRows());
    expect(error).toMatchObject({ code: 'SQL_ROW_LIMIT_EXCEEDED', retryable: false, message: 'the query returned more than maxRows 2000 rows' });
  });

  it('fails clearly when a key column is missing or null', async () => {
    const missing = await failureOf(connector(dialect, `select name, plant from ${machines.table(dialect)}`).fetchRows());
    expect(missing).toMatchObject({ code: 'INVALID_SQL_ROW', retryable: false, row: 0, column: 'id' });
    expect(missing.message).toBe('row 0 of the listing has no primary key column "id" (columns: "name", "plant"); select it in the query');
    const nulls = await failureOf(connector(dialect, `select name, case when id = 1 then null else id end as id from ${machines.table(dialect)}`).fetchRows());
    expect(nulls).toMatchObject({ code: 'INVALID_SQL_ROW', column: 'id' });
    expect(nulls.message).toMatch(/null primary key column "id"/);
  });

  it('fails clearly on duplicate keys', async () => {
    const error = await failureOf(connector(dialect, `select plant, id from ${machines.table(dialect)}`, { primaryKey: 'plant' }).fetchRows());
    expect(error).toMatchObject({ code: 'DUPLICATE_KEY', retryable: false });
    expect(error.message).toMatch(/^rows \d+ and \d+ of the listing have the same key "(north|south|east)"; the primaryKey columns must be unique$/);
  });

  it('stops streaming on abort, then lists again in full', async () => {
    const source = connector(dialect, `select ${MACHINE_COLUMNS} from ${machines.table(dialect)}`);
    const controller = new AbortController();
    const seen: number[] = [];
    const error = await (async () => {
      try {
        for await (const batch of source.fetchRows(controller.signal)) {
          seen.push(batch.length);
          controller.abort();
        }
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(seen).toEqual([1000]);
    expect(error?.name).toBe('AbortError');
    // The connection went back to the pool in a usable state.
    expect((await collect(source.fetchRows())).flat()).toHaveLength(MACHINE_COUNT);
  });

  it('stops a long-running statement on abort, on the server too', async () => {
    const marker = `freshet_abort_${dialect}_${Date.now()}`;
    const slow = dialect === 'postgres' ? `select pg_sleep(20) as ${marker}, 1 as id` : `select sleep(20) as ${marker}, 1 as id`;
    const started = Date.now();
    const error = await failureOf(connector(dialect, slow).fetchRows(AbortSignal.timeout(300)));
    expect((error as unknown as Error).name).toBe('TimeoutError'); // the signal's reason
    expect(Date.now() - started).toBeLessThan(5_000);
    const stillRunning = async () =>
      dialect === 'postgres'
        ? (await machines.postgres.query(`select count(*)::int as n from pg_stat_activity where query like $1 and pid <> pg_backend_pid()`, [`%${marker}%`]))
            .rows[0].n
        : ((await machines.mysql.query(`select count(*) as n from information_schema.processlist where info like ? and id <> connection_id()`, [
            `%${marker}%`,
          ])) as Array<{ n: number }>)[0]?.n;
    await waitFor(async () => Number(await stillRunning()) === 0, { timeoutMs: 5_000, message: 'the slow statement to stop' });
  });

  it('releases the connection when the consumer stops early', async () => {
    const source = connector(dialect, `select ${MACHINE_COLUMNS} from ${machines.table(dialect)}`);
    for (let round = 0; round < 3; round += 1) {
      for await (const batch of source.fetchRows()) {
        expect(batch).toHaveLength(1000);
        break;
      }
    }
    expect((await collect(source.fetchRows())).flat()).toHaveLength(MACHINE_COUNT);
  });
});

describe('across dialects', () => {
  it('lists the same data with identical keys and hashes', async () => {
    const [fromPostgres, fromMysql] = await Promise.all([listing('postgres'), listing('mysql')]);
    const byKey = (records: FetchedRecord[]) => records.map((r) => [r.key, r.hash] as const).sort(([a], [b]) => (a < b ? -1 : 1));
    expect(byKey(fromPostgres)).toEqual(byKey(fromMysql));
    const pick = (records: FetchedRecord[], key: string) => records.find((r) => r.key === key);
    for (const key of ['1', '5', '7', '10', '50', '2500']) expect(pick(fromPostgres, key)).toEqual(pick(fromMysql, key));
  });

  it('builds identical composite keys', async () => {
    const [fromPostgres, fromMysql] = await Promise.all([
      listing('postgres', { primaryKey: ['plant', 'line_no'] }),
      listing('mysql', { primaryKey: ['plant', 'line_no'] }),
    ]);
    expect(new Set(fromPostgres.map((r) => `${r.key} ${r.hash}`))).toEqual(new Set(fromMysql.map((r) => `${r.key} ${r.hash}`)));
  });
});
