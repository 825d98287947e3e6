// Public surface of the SQL-poll connector (re-exported by the connectors lib's index).
export { createSqlPollConnector, SQL_POLL_BATCH_SIZE, type SqlPollConnectorOptions, type SqlPollSource } from './sql-poll-connector';
export { checkReadOnlyQuery } from './statement-guard';
export { buildRecordKey } from './record-key';
export {
  DuplicateSqlKeyError,
  InvalidSqlRowError,
  SqlConnectionConfigError,
  SqlQueryFailedError,
  SqlQueryRefusedError,
  SqlRowLimitError,
  SqlTimeoutError,
  SqlUnavailableError,
} from './sql-errors';
