// A sql-poll connector config whose connection URL comes from an environment variable the
// spec supplies through the connector's `env` option, never from the real environment.
import { sqlPollConnectorSchema, type SqlDialect, type SqlPollConnectorInput } from '@freshet/contracts';

export const SQL_URL_ENV = 'FRESHET_TEST_SQL_URL';

/** Keyed by `id` unless `extra` says otherwise. */
export function envUrlConfig(dialect: SqlDialect, query: string, extra: Partial<SqlPollConnectorInput> = {}) {
  return sqlPollConnectorSchema.parse({ type: 'sql-poll', dialect, connection: { urlFromEnv: SQL_URL_ENV }, query, primaryKey: 'id', ...extra });
}
