// How ingest polls a SQL database (a factory's production Postgres or MySQL/MariaDB):
// one read-only query whose full result is the source's listing, keyed by primary-key
// columns. The connection URL is a secret, so the config only ever names where to find it
// (an environment variable or a secret reference); the URL itself never enters a
// definition, an event or a log. Whether `query` is a single read-only SELECT is checked
// by the connector (it needs a dialect-aware SQL lexer); here we check its shape only.
import { z } from 'zod';

export const SQL_DIALECTS = ['postgres', 'mysql'] as const;
export const sqlDialectSchema = z.enum(SQL_DIALECTS);
export type SqlDialect = z.infer<typeof sqlDialectSchema>;

// Same rules as secretReferenceSchema (secret-reference.ts), which names the variable `env`.
const ENV_VAR_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Where the connection URL comes from; exactly one of the two. */
export const sqlConnectionSourceSchema = z.union(
  [
    z.strictObject({
      /** Name of the environment variable holding the URL (never the URL itself). */
      urlFromEnv: z.string().max(128).regex(ENV_VAR_NAME, 'must be an environment variable name (A-Z, 0-9, _) such as FACTORY_DB_URL'),
    }),
    z.strictObject({
      /** Reference handed to the caller's secret resolver. */
      secretRef: z.string().min(1).max(200),
    }),
  ],
  { error: 'must be either { urlFromEnv: "ENV_VAR_NAME" } or { secretRef: "reference" }' },
);
export type SqlConnectionSource = z.infer<typeof sqlConnectionSourceSchema>;

/** A result column name as the driver reports it (case-sensitive). */
export const sqlColumnNameSchema = z.string().min(1).max(128);

export const sqlPrimaryKeySchema = z.union([
  sqlColumnNameSchema,
  z
    .array(sqlColumnNameSchema)
    .min(1)
    .max(16)
    .superRefine((columns, ctx) => {
      columns.forEach((column, index) => {
        if (columns.indexOf(column) !== index) {
          ctx.addIssue({ code: 'custom', path: [index], message: `column ${JSON.stringify(column)} is listed twice` });
        }
      });
    }),
]);

export const SQL_POLL_MIN_INTERVAL_MS = 1_000;

export const sqlPollConnectorSchema = z.object({
  type: z.literal('sql-poll'),
  dialect: sqlDialectSchema,
  connection: sqlConnectionSourceSchema,
  /** One read-only SELECT or WITH statement; its full result is the listing. */
  query: z
    .string()
    .max(100_000)
    .refine((query) => query.trim() !== '', 'must be a SELECT or WITH statement, not empty'),
  /** Column (or columns, joined into one key) identifying a row. */
  primaryKey: sqlPrimaryKeySchema,
  /** How often the scheduler should poll; a hint, not a promise. */
  pollIntervalMs: z.number().int().min(SQL_POLL_MIN_INTERVAL_MS).max(7 * 24 * 3_600_000).default(60_000),
  /** Guard: a listing with more rows than this fails instead of flooding ingest. */
  maxRows: z.number().int().positive().max(1_000_000).default(100_000),
  /** Statement timeout enforced by the database server. */
  timeoutMs: z.number().int().positive().max(600_000).default(30_000),
});
export type SqlPollConnector = z.infer<typeof sqlPollConnectorSchema>;
export type SqlPollConnectorInput = z.input<typeof sqlPollConnectorSchema>;
