// Refusals, failures and secrecy against the real test Postgres and MariaDB: writes never
// run, failures are classified, and the connection URL never shows.
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { sqlPollConnectorSchema, type SqlDialect, type SqlPollConnectorInput } from '@freshet/contracts';
import { TEST_DATABASE_URL } from '@freshet/testkit';
import { describe, expect, it } from 'vitest';
import type { FetchedRecord } from '../record-diff';
import { mysqlDriver } from './mysql-driver';
import { postgresDriver } from './postgres-driver';
import { SqlQueryRefusedError } from './sql-errors';
import { createSqlPollConnector, type SqlPollConnectorOptions } from './sql-poll-connector';
import { envUrlConfig, SQL_URL_ENV } from './testing/env-url-config';
import { failureOf } from './testing/listing-failure';
import { machineTablesPerFile } from './testing/machine-tables-per-file';
import { MACHINE_COLUMNS, MACHINE_COUNT, TEST_MYSQL_URL } from './testing/machines-fixture';

// The test Postgres trusts local connections, so this password is accepted and ignored:
// it stands for a real secret that must never surface.
const PASSWORD = 'S3cret-Pa55w0rd-7f3a';
const withPassword = (url: string, password = PASSWORD) => {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
};
const URLS: Record<SqlDialect, string> = { postgres: withPassword(TEST_DATABASE_URL), mysql: TEST_MYSQL_URL };

const machines = machineTablesPerFile();

function connector(dialect: SqlDialect, query: string, url = URLS[dialect], extra: Partial<SqlPollConnectorInput> = {}, options: SqlPollConnectorOptions = {}) {
  return machines.closeAfterAll(createSqlPollConnector(envUrlConfig(dialect, query, extra), { env: { [SQL_URL_ENV]: url }, ...options }));
}

async function collect(iterable: AsyncIterable<FetchedRecord[]>): Promise<FetchedRecord[]> {
  const records: FetchedRecord[] = [];
  for await (const batch of iterable) records.push(...batch);
  return records;
}

/** Everything a log line or an event could carry about an error. */
const exposed = (error: unknown) => `${String(error)} ${JSON.stringify(error)} ${inspect(error, { depth: 10 })}`;

/** key → hash of the whole table, to prove it did not change. */
const snapshot = async (dialect: SqlDialect) =>
  new Map((await collect(connector(dialect, `select ${MACHINE_COLUMNS} from ${machines.table(dialect)}`).fetchRows())).map((r) => [r.key, r.hash]));

describe.each(['postgres', 'mysql'] as const)('%s', (dialect) => {
  it('refuses writes and extra statements before connecting, and the table is unchanged', async () => {
    const table = machines.table(dialect);
    const before = await snapshot(dialect);
    const queries = [
      `UPDATE ${table} SET name = 'x'`,
      `select id from ${table}; delete from ${table}`,
      `SELECT id FROM ${table}; DROP TABLE ${table}`,
      `WITH gone AS (DELETE FROM ${table} RETURNING id) SELECT id FROM gone`,
      `select id from ${table} for update`,
    ];
    for (const query of queries) {
      let resolved = false;
      const attempt = () =>
        createSqlPollConnector(
          sqlPollConnectorSchema.parse({ type: 'sql-poll', dialect, connection: { secretRef: 'db' }, query, primaryKey: 'id' }),
          { resolveSecret: async () => ((resolved = true), URLS[dialect]) },
        );
      expect(attempt).toThrow(SqlQueryRefusedError);
      expect(resolved).toBe(false);
    }
    const after = await snapshot(dialect);
    expect(after.size).toBe(MACHINE_COUNT);
    expect(after).toEqual(before);
  });

  it('runs the query in a READ ONLY transaction (a writing function the guard cannot see fails)', async () => {
    const table = machines.table(dialect);
    const fn = dialect === 'postgres' ? `"${machines.postgres.schema}".touch_machine` : `${table}_touch`;
    if (dialect === 'postgres') {
      await machines.postgres.query(`create function ${fn}() returns int language sql as $$ update ${table} set name = 'touched' where id = 1 returning 1 $$`);
    } else {
      await machines.mysql.query(`create function ${fn}() returns int modifies sql data begin update ${table} set name = 'touched' where id = 1; return 1; end`);
    }
    try {
      const error = await failureOf(connector(dialect, `select ${fn}() as id`).fetchRows());
      expect(error).toMatchObject({ code: 'SQL_QUERY_FAILED', retryable: false });
      expect(error.message).toMatch(dialect === 'postgres' ? /SQLSTATE 25006.*read-only transaction/ : /error 1792.*READ ONLY transaction/);
      const [row] = (await collect(connector(dialect, `select id, name from ${table} where id = 1`).fetchRows())).map((r) => r.record);
      expect(row).toEqual({ id: 1, name: 'Machine 1' });
    } finally {
      if (dialect === 'postgres') await machines.postgres.query(`drop function ${fn}()`);
      else await machines.mysql.query(`drop function ${fn}`);
    }
  });

  it('below the guard, the driver still refuses a second statement and the table is unchanged', async () => {
    const table = machines.table(dialect);
    const driver = dialect === 'postgres' ? postgresDriver : mysqlDriver;
    const database = driver.open(URLS[dialect], { timeoutMs: 5_000 });
    // Built to escape the derived-table wrapper; checkReadOnlyQuery would refuse it.
    const statement = `select 1 as id) q; update ${table} set name = 'escaped'; select * from (select 1 as id`;
    try {
      const error = await (async () => {
        for await (const _ of database.streamRows({ statement, timeoutMs: 5_000, batchSize: 10 })) {
          // drain
        }
      })().catch((e: unknown) => e);
      expect(driver.classify(error)).toMatchObject({ kind: 'query', dbCode: dialect === 'postgres' ? '42601' : '1064' });
      expect((error as Error).message).toMatch(dialect === 'postgres' ? /cannot insert multiple commands into a prepared statement/ : /SQL syntax/);
    } finally {
      await database.close();
    }
    const names = (await collect(connector(dialect, `select id, name from ${table}`).fetchRows())).map((r) => r.record['name']);
    expect(names).not.toContain('escaped');
  });

  it('reports a syntax error with the database message, not retryable, without the URL', async () => {
    const error = await failureOf(connector(dialect, `select id, name frm ${machines.table(dialect)}`).fetchRows());
    expect(error).toMatchObject({ code: 'SQL_QUERY_FAILED', retryable: false });
    expect(error.message).toMatch(dialect === 'postgres' ? /^postgres query failed \(SQLSTATE 42601\): syntax error at or near/ : /^mysql query failed \(error 1064\): You have an error in your SQL syntax/);
    expect(exposed(error)).not.toContain(PASSWORD);
    expect(exposed(error)).not.toContain(URLS[dialect]);
  });

  it('reports a statement timeout as retryable SQL_TIMEOUT', async () => {
    const slow = dialect === 'postgres' ? 'select pg_sleep(5) as s, 1 as id' : 'select sleep(5) as s, 1 as id';
    const error = await failureOf(connector(dialect, slow, URLS[dialect], { timeoutMs: 300 }).fetchRows());
    expect(error).toMatchObject({ code: 'SQL_TIMEOUT', retryable: true });
    expect(error.message).toMatch(/statement timeout \(timeoutMs 300\)/);
  });

  it('reports a closed port as retryable SQL_UNAVAILABLE without leaking the URL', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const url = new URL(withPassword(URLS[dialect]));
    url.port = String(port);
    const error = await failureOf(connector(dialect, `select ${MACHINE_COLUMNS} from ${machines.table(dialect)}`, url.toString()).fetchRows());
    expect(error).toMatchObject({ code: 'SQL_UNAVAILABLE', retryable: true });
    expect(error.message).toMatch(new RegExp(`^${dialect} database unavailable \\(connection from environment variable ${SQL_URL_ENV}\\): .*ECONNREFUSED`));
    expect(exposed(error)).not.toContain(PASSWORD);
    expect(exposed(error)).not.toContain(url.toString());
  });

  it('reports rejected credentials as retryable SQL_UNAVAILABLE without leaking them', async () => {
    // Postgres trusts local connections whatever the password, so use a role that does not exist.
    const url = new URL(withPassword(URLS[dialect], 'wr0ng-Passw0rd-x'));
    if (dialect === 'postgres') url.username = 'freshet_no_such_role';
    const error = await failureOf(connector(dialect, `select id from ${machines.table(dialect)}`, url.toString()).fetchRows());
    expect(error).toMatchObject({ code: 'SQL_UNAVAILABLE', retryable: true });
    expect(error.message).toMatch(dialect === 'postgres' ? /role "freshet_no_such_role" does not exist/ : /Access denied for user 'root'/);
    expect(exposed(error)).not.toContain('wr0ng-Passw0rd-x');
    expect(exposed(error)).not.toContain(url.toString());
  });
});

describe('the connection URL', () => {
  it('never appears in the config, the connector, the listing or an error', async () => {
    const config = envUrlConfig('postgres', `select ${MACHINE_COLUMNS} from ${machines.postgres.table}`);
    const source = createSqlPollConnector(config, { env: { [SQL_URL_ENV]: URLS.postgres } });
    machines.closeAfterAll(source);
    const records = await collect(source.fetchRows()); // connected with the password
    expect(records).toHaveLength(MACHINE_COUNT);
    const failing = createSqlPollConnector(envUrlConfig('postgres', 'select nope from nowhere'), { env: { [SQL_URL_ENV]: URLS.postgres } });
    machines.closeAfterAll(failing);
    const error = await failureOf(failing.fetchRows());
    for (const text of [JSON.stringify(config), JSON.stringify(source), inspect(source, { depth: 10 }), JSON.stringify(records), exposed(error)]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(URLS.postgres);
    }
  });

  it('comes from a secret reference through the resolver', async () => {
    const refs: string[] = [];
    const config = sqlPollConnectorSchema.parse({
      type: 'sql-poll',
      dialect: 'mysql',
      connection: { secretRef: 'factory/mysql' },
      query: `select ${MACHINE_COLUMNS} from ${machines.mysql.table}`,
      primaryKey: ['plant', 'line_no'],
    });
    const source = createSqlPollConnector(config, { resolveSecret: async (ref) => (refs.push(ref), TEST_MYSQL_URL) });
    machines.closeAfterAll(source);
    expect(await collect(source.fetchRows())).toHaveLength(MACHINE_COUNT);
    expect(refs).toEqual(['factory/mysql']);
  });

  it('is looked up again after a failure, so a fixed variable is picked up', async () => {
    const env: Record<string, string | undefined> = {};
    const source = createSqlPollConnector(envUrlConfig('postgres', `select id from ${machines.postgres.table}`), { env });
    machines.closeAfterAll(source);
    const missing = await failureOf(source.fetchRows());
    expect(missing).toMatchObject({ code: 'MISSING_SECRET', retryable: false });
    expect(missing.message).toBe(`credential from environment variable ${SQL_URL_ENV} is not available`);
    env[SQL_URL_ENV] = URLS.postgres;
    expect(await collect(source.fetchRows())).toHaveLength(MACHINE_COUNT);
  });
});
