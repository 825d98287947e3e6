// Failures of the SQL-poll connector, each a ConnectorError with a stable code so the job
// runner decides "retry later" or "fail now" without reading messages. Messages name the
// config field, row or key at fault and never carry the connection URL (see redaction.ts).
import { ConnectorError } from '../connector-errors';

/** The configured query is not a single read-only SELECT/WITH statement. Never executed. */
export class SqlQueryRefusedError extends ConnectorError {
  constructor(readonly reason: string) {
    super('SQL_QUERY_REFUSED', `query refused: ${reason}`, false);
  }
}

/**
 * The secret resolver failed (retryable), or the URL is not one for the configured dialect.
 * (A variable or secret that is simply absent is the shared MissingSecretError.)
 */
export class SqlConnectionConfigError extends ConnectorError {
  constructor(message: string, retryable: boolean, options?: { cause?: unknown }) {
    super('SQL_CONNECTION_INVALID', message, retryable, options);
  }
}

/** The database could not be reached, refused our credentials or dropped the connection. */
export class SqlUnavailableError extends ConnectorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SQL_UNAVAILABLE', message, true, options);
  }
}

/** The database ran the query and failed it (syntax, missing table, permission, read-only violation…). */
export class SqlQueryFailedError extends ConnectorError {
  constructor(
    message: string,
    /** SQLSTATE (Postgres) or error number (MySQL), when the server gave one. */
    readonly dbCode: string | undefined,
    retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super('SQL_QUERY_FAILED', message, retryable, options);
  }
}

/** The server stopped the statement at `timeoutMs`. Worth retrying when the database is less busy. */
export class SqlTimeoutError extends ConnectorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SQL_TIMEOUT', message, true, options);
  }
}

/** A row the listing cannot use: a key column is missing, null or not a scalar. */
export class InvalidSqlRowError extends ConnectorError {
  constructor(
    /** 0-based position of the row in the listing. */
    readonly row: number,
    readonly column: string | undefined,
    reason: string,
  ) {
    super('INVALID_SQL_ROW', `row ${row} of the listing ${reason}`, false);
  }
}

/** Two rows produced the same key, so the listing cannot say which one is current. */
export class DuplicateSqlKeyError extends ConnectorError {
  constructor(
    readonly key: string,
    readonly firstRow: number,
    readonly row: number,
  ) {
    super(
      'DUPLICATE_KEY',
      `rows ${firstRow} and ${row} of the listing have the same key ${JSON.stringify(key)}; the primaryKey columns must be unique`,
      false,
    );
  }
}

/** The listing has more rows than `maxRows`. */
export class SqlRowLimitError extends ConnectorError {
  constructor(readonly maxRows: number) {
    super('SQL_ROW_LIMIT_EXCEEDED', `the query returned more than maxRows ${maxRows} rows`, false);
  }
}
