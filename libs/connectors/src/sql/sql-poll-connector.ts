// The SQL-poll connector: runs a source's read-only query and hands ingest the complete
// listing as batches of keyed, hashed records. It does not diff: ingest compares the full
// listing with what it holds, and a key missing from the listing is a deletion. So a
// listing is complete only when iteration ends without throwing; any error (including
// an abort) means "no listing this time", never "these rows are all there is".
//
// The query is checked before any connection is made; the connection URL is resolved on
// first use, kept only inside the driver, and redacted from every error.
import type { SqlDialect, SqlPollConnector } from '@freshet/contracts';
import { ConnectorError } from '../connector-errors';
import { contentHash } from '../content-hash';
import type { FetchedRecord } from '../record-diff';
import { createRedactor, describeConnection, redactError, resolveConnectionUrl, type ConnectionSecretOptions } from './connection-url';
import { mysqlDriver } from './mysql-driver';
import { normalizeSqlRow } from './normalize-row';
import { postgresDriver } from './postgres-driver';
import { buildRecordKey } from './record-key';
import type { SqlDatabase, SqlDriver } from './sql-driver';
import {
  DuplicateSqlKeyError,
  SqlQueryFailedError,
  SqlRowLimitError,
  SqlTimeoutError,
  SqlUnavailableError,
} from './sql-errors';
import { checkReadOnlyQuery } from './statement-guard';

/** Rows per yielded batch (the last batch may be smaller). */
export const SQL_POLL_BATCH_SIZE = 1_000;

export type SqlPollConnectorOptions = ConnectionSecretOptions;

export interface SqlPollSource {
  /** The complete listing, streamed in batches of at most SQL_POLL_BATCH_SIZE records. */
  fetchRows(signal?: AbortSignal): AsyncIterable<FetchedRecord[]>;
  /** Closes the connection pool. */
  close(): Promise<void>;
}

const DRIVERS: Record<SqlDialect, SqlDriver> = { postgres: postgresDriver, mysql: mysqlDriver };

interface OpenDatabase {
  database: SqlDatabase;
  redact: (text: string) => string;
}

function driverMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message !== '') return error.message;
  // Node reports a refused connection to several addresses as an AggregateError without a message.
  const inner = error instanceof AggregateError ? error.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))) : [];
  const code = (error as { code?: unknown }).code;
  return inner.join('; ') || (typeof code === 'string' ? code : error.name);
}

/**
 * @throws SqlQueryRefusedError when config.query is not a single read-only SELECT/WITH
 *         (before anything connects).
 */
export function createSqlPollConnector(config: SqlPollConnector, options: SqlPollConnectorOptions = {}): SqlPollSource {
  const statement = checkReadOnlyQuery(config.query, config.dialect);
  const keyColumns = typeof config.primaryKey === 'string' ? [config.primaryKey] : [...config.primaryKey];
  const driver = DRIVERS[config.dialect];
  const where = describeConnection(config);
  let current: Promise<OpenDatabase> | undefined;
  let closed = false;

  function open(): Promise<OpenDatabase> {
    if (closed) return Promise.reject(new ConnectorError('SQL_CONNECTOR_CLOSED', 'the SQL-poll connector is closed', false));
    if (current === undefined) {
      const pending = resolveConnectionUrl(config, options).then((url) => ({
        database: driver.open(url, { timeoutMs: config.timeoutMs }),
        redact: createRedactor(url),
      }));
      current = pending;
      // A URL that could not be resolved is looked up again next time.
      pending.catch(() => {
        if (current === pending) current = undefined;
      });
    }
    return current;
  }

  /** Drops the pool, so the next fetch resolves the URL again (it may have been rotated). */
  function reset(stale: Promise<OpenDatabase>): void {
    if (current !== stale) return;
    current = undefined;
    void stale.then(({ database }) => database.close()).catch(() => undefined);
  }

  function translate(error: unknown, opened: Promise<OpenDatabase>, redact: (text: string) => string): unknown {
    if (error instanceof ConnectorError) return error;
    redactError(error, redact);
    const failure = driver.classify(error);
    const detail = redact(driverMessage(error));
    switch (failure.kind) {
      case 'unavailable':
        reset(opened);
        return new SqlUnavailableError(`${config.dialect} database unavailable (connection from ${where}): ${detail}`, { cause: error });
      case 'timeout':
        return new SqlTimeoutError(`${config.dialect} query stopped by the statement timeout (timeoutMs ${config.timeoutMs}): ${detail}`, {
          cause: error,
        });
      case 'interrupted':
        return new SqlQueryFailedError(`${config.dialect} query was interrupted by the server: ${detail}`, undefined, true, { cause: error });
      case 'query': {
        const code = failure.dbCode === undefined ? '' : ` (${config.dialect === 'postgres' ? 'SQLSTATE' : 'error'} ${failure.dbCode})`;
        return new SqlQueryFailedError(`${config.dialect} query failed${code}: ${detail}`, failure.dbCode, failure.retryable, { cause: error });
      }
      default: {
        const unknownKind: never = failure;
        return unknownKind;
      }
    }
  }

  async function* fetchRows(signal?: AbortSignal): AsyncGenerator<FetchedRecord[], void, undefined> {
    signal?.throwIfAborted();
    const opened = open();
    const { database, redact } = await opened;
    const firstRowOfKey = new Map<string, number>();
    let rowCount = 0;
    try {
      for await (const rows of database.streamRows({ statement, timeoutMs: config.timeoutMs, batchSize: SQL_POLL_BATCH_SIZE, signal })) {
        if (rowCount + rows.length > config.maxRows) throw new SqlRowLimitError(config.maxRows);
        const batch = rows.map((row): FetchedRecord => {
          const index = rowCount;
          rowCount += 1;
          const record = normalizeSqlRow(row);
          const key = buildRecordKey(record, keyColumns, index);
          const first = firstRowOfKey.get(key);
          if (first !== undefined) throw new DuplicateSqlKeyError(key, first, index);
          firstRowOfKey.set(key, index);
          return { key, hash: contentHash(record), record };
        });
        // Rows already on their way may arrive after an abort; they are not handed out.
        signal?.throwIfAborted();
        yield batch;
      }
    } catch (error) {
      // Whatever failed after an abort (a cancelled statement, a closed stream) is the abort.
      if (signal?.aborted) throw signal.reason;
      throw translate(error, opened, redact);
    }
  }

  return {
    fetchRows,
    async close() {
      closed = true;
      const last = current;
      current = undefined;
      if (last) await last.then(({ database }) => database.close()).catch(() => undefined);
    },
  };
}
