// Migrations against real Postgres: idempotent, schema-scoped, a stable epoch, and app
// migrations kept in their own history table.
import { sql, type Kysely, type Migration } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStoreDb } from '../db/create-event-store-db';
import type { EventStoreDatabase } from '../db/event-store-database';
import { InvalidSchemaNameError, MigrationError } from '../errors';
import { appendToStream } from '../append-to-stream';
import { readStreamVersion } from '../read-stream';
import { getStoreEpoch } from '../store-epoch';
import { contentCreated } from '../testing/event-fixtures';
import { dropSchema, TEST_DATABASE_URL, testNames } from '../testing/test-store';
import { migrateEventStore } from './migrate-event-store';
import { runMigrations } from './run-migrations';

interface WidgetsTables {
  widgets: { id: string };
}

describe('migrateEventStore', () => {
  const schema = testNames('mig').databaseSchema;
  const db = createEventStoreDb<EventStoreDatabase & WidgetsTables>({ connectionString: TEST_DATABASE_URL, schema, poolMax: 2 });

  afterAll(async () => {
    await db.destroy();
    await dropSchema(schema);
  });

  it('creates the schema and applies every migration once; a second run is a no-op', async () => {
    const first = await migrateEventStore(db, schema);
    expect(first).toEqual(['0001-create-events', '0002-create-outbox-checkpoints', '0003-create-store-meta']);
    const epoch = await getStoreEpoch(db);

    expect(await migrateEventStore(db, schema)).toEqual([]);
    expect(await getStoreEpoch(db)).toBe(epoch);
    expect(epoch).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps its tables and migration history inside the schema', async () => {
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = ${schema} order by table_name`.execute(db);
    expect(rows.map((r) => r.table_name)).toEqual([
      'event_store_migration',
      'event_store_migration_lock',
      'events',
      'outbox_checkpoints',
      'store_meta',
    ]);
  });

  it('lets an app keep its own migrations in a separate table of the same schema', async () => {
    const appMigrations: Record<string, Migration> = {
      '0001-widgets': { up: async (d) => void (await d.schema.createTable('widgets').addColumn('id', 'text').execute()) },
    };
    expect(await runMigrations(db, { schema, migrations: appMigrations, tableName: 'app_migration' })).toEqual(['0001-widgets']);
    expect(await runMigrations(db, { schema, migrations: appMigrations, tableName: 'app_migration' })).toEqual([]);
    expect(await migrateEventStore(db, schema)).toEqual([]);
    // The app's extended handle and its transactions work with every store function.
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('widgets').values({ id: 'w1' }).execute();
      await appendToStream(trx, 'widget-w1', [contentCreated('w1')], { expectedVersion: await readStreamVersion(trx, 'widget-w1') });
    });
    expect(await db.selectFrom('widgets').selectAll().execute()).toEqual([{ id: 'w1' }]);
    expect(await readStreamVersion(db, 'widget-w1')).toBe(1);
  });

  it('reports a failing migration with its name and rolls it back', async () => {
    const broken: Record<string, Migration> = {
      '0001-broken': { up: async (d) => void (await sql`create table nope (id no_such_type)`.execute(d)) },
    };
    const error = await runMigrations(db, { schema, migrations: broken, tableName: 'broken_migration' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED', migrationName: '0001-broken' });
  });

  it('refuses a handle whose search_path is another schema', async () => {
    const other = testNames('migother').databaseSchema;
    try {
      const error = await runMigrations(db as Kysely<unknown>, { schema: other, migrations: {}, tableName: 'x_migration' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
    } finally {
      await dropSchema(other);
    }
  });

  it('rejects schema names that are not plain identifiers', () => {
    expect(() => createEventStoreDb({ connectionString: TEST_DATABASE_URL, schema: 'x; drop table' })).toThrow(InvalidSchemaNameError);
  });
});

describe('getStoreEpoch', () => {
  const schema = testNames('epoch').databaseSchema;
  let db: Kysely<EventStoreDatabase>;

  beforeAll(() => {
    db = createEventStoreDb({ connectionString: TEST_DATABASE_URL, schema, poolMax: 1 });
  });
  afterAll(async () => {
    await db.destroy();
    await dropSchema(schema);
  });

  it('differs between two stores, so a rebuilt store is noticed', async () => {
    const otherSchema = testNames('epoch2').databaseSchema;
    const other = createEventStoreDb({ connectionString: TEST_DATABASE_URL, schema: otherSchema, poolMax: 1 });
    try {
      await migrateEventStore(db, schema);
      await migrateEventStore(other, otherSchema);
      expect(await getStoreEpoch(db)).not.toBe(await getStoreEpoch(other));
    } finally {
      await other.destroy();
      await dropSchema(otherSchema);
    }
  });
});
