// MySQL/MariaDB side of the SQL-poll connector. Rows stream through Kysely's .stream()
// (mysql2's row stream, which pauses the socket when we stop reading), inside a READ ONLY
// transaction with a server-side statement timeout. mysql2 runs without
// multipleStatements, so the server refuses a second statement in one query string.
// Stopping early kills the running query from a second connection; otherwise mysql2 would
// drain the rest of the result before the connection could be used again. Unlike Postgres
// (where the timeout applies to each FETCH), the server's timeout covers the whole streamed
// statement, including the time the consumer spends on each batch.
import { Kysely, MysqlDialect, sql } from 'kysely';
import { createPool, type TypeCast } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import type { SqlRow } from './normalize-row';
import { whenAborted, type SqlDatabase, type SqlDriver, type SqlFailure, type SqlStreamOptions } from './sql-driver';

/** BOOLEAN (TINYINT(1)) as true/false like Postgres; JSON parsed also where MariaDB sends it as text. */
const typeCast: TypeCast = (field, next) => {
  if (field.type === 'TINY' && field.length === 1) {
    const text = field.string();
    if (text === null) return null;
    return text === '1' ? true : text === '0' ? false : Number(text);
  }
  if (field.type === 'JSON' || field.extendedFormat === 'json') {
    const text = field.string('utf8');
    if (text === null) return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return next();
};

async function killQuery(url: string, connectionId: string): Promise<void> {
  try {
    const connection = await createConnection({ uri: url, connectTimeout: 5_000 });
    try {
      await connection.query('KILL QUERY ?', [Number(connectionId)]);
    } finally {
      await connection.end();
    }
  } catch {
    // Best effort: the statement timeout still bounds the query.
  }
}

function open(url: string, settings: { timeoutMs: number }): SqlDatabase {
  const pool = createPool({
    uri: url,
    connectionLimit: 2,
    connectTimeout: Math.min(settings.timeoutMs, 30_000),
    // A poller is idle between polls: hand connections idle for 30 s back to the database.
    maxIdle: 1,
    idleTimeout: 30_000,
    multipleStatements: false,
    // DATETIME read as UTC (and the session's time_zone is UTC for TIMESTAMP), DATE as text.
    timezone: 'Z',
    dateStrings: ['DATE'],
    // BIGINT and DECIMAL as strings, as pg returns int8 and numeric.
    supportBigNumbers: true,
    bigNumberStrings: true,
    typeCast,
  });
  const db = new Kysely<Record<string, never>>({ dialect: new MysqlDialect({ pool }) });

  async function* streamRows({ statement, timeoutMs, batchSize, signal }: SqlStreamOptions): AsyncGenerator<SqlRow[], void, undefined> {
    const trx = await db.startTransaction().setAccessMode('read only').execute();
    let committed = false;
    let connectionId: string | undefined;
    let streaming = false;
    let stopListening = () => undefined as void;
    try {
      const { rows } = await sql<{ id: number | string; version: string }>`select connection_id() as id, version() as version`.execute(trx);
      const info = rows[0];
      connectionId = info === undefined ? undefined : String(info.id);
      // MariaDB counts seconds in max_statement_time; MySQL counts ms in max_execution_time.
      const timeout = /mariadb/i.test(info?.version ?? '')
        ? sql`max_statement_time = ${timeoutMs / 1000}`
        : sql`max_execution_time = ${timeoutMs}`;
      await sql`set time_zone = '+00:00', ${timeout}`.execute(trx);
      const id = connectionId;
      if (id !== undefined) stopListening = whenAborted(signal, () => void killQuery(url, id));
      signal?.throwIfAborted();

      const source = sql<SqlRow>`(${sql.raw(`\n${statement}\n`)})`.as('freshet_q');
      let batch: SqlRow[] = [];
      streaming = true;
      try {
        for await (const row of trx.selectFrom(source).selectAll().stream(batchSize)) {
          batch.push(row as SqlRow);
          if (batch.length >= batchSize) {
            yield batch;
            batch = [];
          }
        }
      } catch (error) {
        streaming = false; // the stream failed by itself (nothing else in the loop throws)
        throw error;
      }
      streaming = false;
      signal?.throwIfAborted();
      if (batch.length > 0) yield batch;
      await trx.commit().execute();
      committed = true;
    } finally {
      stopListening();
      if (streaming && connectionId !== undefined) await killQuery(url, connectionId);
      if (!committed) await trx.rollback().execute().catch(() => undefined);
    }
  }

  return { streamRows, close: () => db.destroy() };
}

/** Server errors meaning "could not get or keep a working connection". */
const UNAVAILABLE_ERRNOS = new Set([
  1040, // too many connections
  1044, // access denied to database
  1045, // access denied (user/password)
  1049, // unknown database
  1053, // server shutdown in progress
  1129, // host blocked
  1130, // host not allowed
  1203, // max_user_connections
  1226, // user resource limit
  1927, // connection killed (MariaDB)
]);
const TIMEOUT_ERRNOS = new Set([1969 /* MariaDB max_statement_time */, 3024 /* MySQL max_execution_time */]);
const RETRYABLE_ERRNOS = new Set([1205 /* lock wait timeout */, 1213 /* deadlock */]);

function classify(error: unknown): SqlFailure {
  const { errno, fatal } = (error ?? {}) as { errno?: unknown; fatal?: unknown };
  // Network errors carry no server errno (or Node's negative one), client errors are 2xxx,
  // and mysql2 marks every connection-level failure fatal.
  if (typeof errno !== 'number' || errno < 1000 || (errno >= 2000 && errno < 3000) || fatal === true || UNAVAILABLE_ERRNOS.has(errno)) {
    return { kind: 'unavailable' };
  }
  if (TIMEOUT_ERRNOS.has(errno)) return { kind: 'timeout' };
  if (errno === 1317) return { kind: 'interrupted' }; // KILL QUERY
  return { kind: 'query', dbCode: String(errno), retryable: RETRYABLE_ERRNOS.has(errno) };
}

export const mysqlDriver: SqlDriver = { open, classify };
