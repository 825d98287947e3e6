// Postgres side of the SQL-poll connector. Rows come through a server-side cursor
// (DECLARE … NO SCROLL CURSOR, then FETCH FORWARD batchSize) inside a READ ONLY
// transaction with a local statement_timeout, so a big table is read one batch at a time.
// (Kysely's own .stream() on Postgres needs the pg-cursor package, which we do not ship.)
// Every statement goes through the extended query protocol, where the server itself
// refuses a second statement in one query string.
import { Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { SqlRow } from './normalize-row';
import { whenAborted, wrapStatement, type SqlDatabase, type SqlDriver, type SqlFailure, type SqlStreamOptions } from './sql-driver';

const OID = { date: 1082, dateArray: 1182, timestamp: 1114, timestampArray: 1115, textArray: 1009 } as const;
const CURSOR = 'freshet_sql_poll';

// pg's own parsers, by any OID (its typings only list the scalar built-ins).
const builtinParser = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => unknown;
const parseTextArray = builtinParser(OID.textArray) as (value: string) => Array<string | null>;

/** timestamp without time zone, read as UTC (pg's default reads it in the process's zone). */
function parseUtcTimestamp(value: string): Date | string {
  if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(value)) return value; // infinity, BC
  const date = new Date(`${value.replace(' ', 'T')}Z`);
  return Number.isNaN(date.getTime()) ? value : date;
}

/** Same shapes as mysql2 gives: dates as 'YYYY-MM-DD' strings, naive timestamps as UTC. */
function getTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
  if (format !== 'binary') {
    switch (oid) {
      case OID.date:
        return (value: string) => value;
      case OID.dateArray:
        return parseTextArray;
      case OID.timestamp:
        return parseUtcTimestamp;
      case OID.timestampArray:
        return (value: string) => parseTextArray(value).map((item) => (item === null ? null : parseUtcTimestamp(item)));
    }
  }
  return builtinParser(oid, format);
}

/** Kysely's pool interface over pg.Pool, sending every query with the extended protocol. */
function extendedProtocolPool(pool: pg.Pool): PostgresPool {
  return {
    async connect() {
      const client = await pool.connect();
      const adapted = {
        query: (text: string, values: readonly unknown[]) =>
          client.query({ text, values: [...values], queryMode: 'extended' } as pg.QueryConfig),
        release: (destroy?: boolean) => client.release(destroy),
      };
      return adapted as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

async function cancelBackend(url: string, pid: number): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select pg_cancel_backend($1)', [pid]);
  } catch {
    // Best effort: the statement timeout still bounds the query.
  } finally {
    await client.end().catch(() => undefined);
  }
}

function open(url: string, settings: { timeoutMs: number }): SqlDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    max: 2,
    connectionTimeoutMillis: Math.min(settings.timeoutMs, 30_000),
    application_name: 'freshet-sql-poll',
    types: { getTypeParser } as pg.CustomTypesConfig,
  });
  // An idle client that loses its server emits 'error' on the pool; unhandled, it would crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool: extendedProtocolPool(pool) }) });

  async function* streamRows({ statement, timeoutMs, batchSize, signal }: SqlStreamOptions): AsyncGenerator<SqlRow[], void, undefined> {
    const trx = await db.startTransaction().setAccessMode('read only').execute();
    let committed = false;
    let stopListening = () => undefined as void;
    let cancelling: Promise<void> | undefined;
    try {
      const { rows } = await sql<{ pid: number }>`
        select pg_backend_pid() as pid,
               set_config('statement_timeout', ${String(timeoutMs)}, true) as statement_timeout,
               set_config('TimeZone', 'UTC', true) as time_zone`.execute(trx);
      const pid = rows[0]?.pid;
      if (pid !== undefined) stopListening = whenAborted(signal, () => void (cancelling = cancelBackend(url, pid)));
      signal?.throwIfAborted();
      await sql.raw(`declare ${CURSOR} no scroll cursor for ${wrapStatement(statement)}`).execute(trx);
      for (;;) {
        const batch = await sql.raw<SqlRow>(`fetch forward ${batchSize} from ${CURSOR}`).execute(trx);
        signal?.throwIfAborted();
        if (batch.rows.length > 0) yield batch.rows;
        if (batch.rows.length < batchSize) break;
      }
      await trx.commit().execute();
      committed = true;
    } finally {
      stopListening();
      // A cancel still on its way would hit whatever this connection runs next (the pool
      // hands it to the next listing): let it land first. Once delivered, a cancel of an
      // idle backend is ignored by the server.
      if (cancelling) await cancelling;
      // Closes the cursor. Between FETCHes no statement runs, so nothing needs cancelling.
      if (!committed) await trx.rollback().execute().catch(() => undefined);
    }
  }

  return { streamRows, close: () => db.destroy() };
}

/** SQLSTATE classes meaning "could not get or keep a working connection". */
const UNAVAILABLE_CLASSES = new Set(['08', '28', '3D', '53', '57']);

function classify(error: unknown): SqlFailure {
  if (!(error instanceof pg.DatabaseError) || typeof error.code !== 'string') {
    return { kind: 'unavailable' }; // network errors, pool timeouts, "Connection terminated"
  }
  if (error.code === '57014') return { kind: 'timeout' }; // query_canceled (timeout or our cancel)
  if (UNAVAILABLE_CLASSES.has(error.code.slice(0, 2))) return { kind: 'unavailable' };
  // Class 40: serialization failure, deadlock. Worth another try.
  return { kind: 'query', dbCode: error.code, retryable: error.code.startsWith('40') };
}

export const postgresDriver: SqlDriver = { open, classify };
