// Runs a set of Kysely migrations inside one schema, tracked in a caller-chosen table, so
// the event store and each app keep separate migration histories in the same schema.
// Migrations use unqualified names, so the handle's search_path must be that schema
// (createEventStoreDb sets it); this is checked up front rather than discovered as tables
// landing in `public`.
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { assertSchemaName } from '../db/schema-name';
import { MigrationError } from '../errors';

export interface RunMigrationsOptions {
  schema: string;
  migrations: Record<string, Migration>;
  /** Migration history table; its lock table is `<tableName>_lock`. */
  tableName: string;
}

/** Returns the names of the migrations this call applied (empty when already up to date). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database type: migrations are untyped
export async function runMigrations(db: Kysely<any>, options: RunMigrationsOptions): Promise<string[]> {
  const schema = assertSchemaName(options.schema);
  await ensureSchema(db, schema);
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  if (rows[0]?.schema !== schema) {
    throw new MigrationError(undefined, {
      cause: new Error(`search_path resolves to ${String(rows[0]?.schema)}, expected ${schema}: use createEventStoreDb`),
    });
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => options.migrations },
    migrationTableSchema: schema,
    migrationTableName: options.tableName,
    migrationLockTableName: `${options.tableName}_lock`,
  });
  let { error, results = [] } = await migrator.migrateToLatest();
  for (let attempt = 1; error !== undefined && attempt < INTROSPECTION_ATTEMPTS && isIntrospectionRace(error, results); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    ({ error, results = [] } = await migrator.migrateToLatest());
  }
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error');
    throw new MigrationError(failed?.migrationName, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

// Kysely's migrator looks for its tables through the database-wide catalog
// (introspection.getTables), which fails with "schema … does not exist" when another
// schema is dropped while it reads — tests do that all day, and an operator may too. No
// migration has run then (none is reported failed), so asking again is safe.
const INTROSPECTION_ATTEMPTS = 5;
const UNDEFINED_SCHEMA_OR_TABLE = new Set(['3F000', '42P01']);

function isIntrospectionRace(error: unknown, results: ReadonlyArray<{ status: string }>): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNDEFINED_SCHEMA_OR_TABLE.has(code) && !results.some((r) => r.status === 'Error');
}

// Serialized by an advisory lock: two replicas booting at once would otherwise race on
// `create schema if not exists` and one would fail with a unique violation.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see runMigrations
async function ensureSchema(db: Kysely<any>, schema: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`freshet:schema:${schema}`}))`.execute(trx);
    await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
  });
}
