// A migrated event store in its own throwaway schema on the real test Postgres, for
// integration tests. The one place this lib reaches into @freshet/testkit.
import type { Kysely } from 'kysely';
import { dropSchema, TEST_DATABASE_URL, testNames, type TestNames } from '@freshet/testkit';
import { createEventStoreDb } from '../db/create-event-store-db';
import type { EventStoreDatabase } from '../db/event-store-database';
import { migrateEventStore } from '../migrations/migrate-event-store';

export { deleteStreams, dropSchema, TEST_DATABASE_URL, TEST_NATS_URL, testNames, waitFor } from '@freshet/testkit';

export interface TestStore {
  db: Kysely<EventStoreDatabase>;
  schema: string;
  names: TestNames;
  connectionString: string;
  destroy(): Promise<void>;
}

export async function createTestStore(label: string): Promise<TestStore> {
  const names = testNames(label);
  const schema = names.databaseSchema;
  const db = createEventStoreDb({ connectionString: TEST_DATABASE_URL, schema, poolMax: 8 });
  await migrateEventStore(db, schema);
  return {
    db,
    schema,
    names,
    connectionString: TEST_DATABASE_URL,
    async destroy() {
      await db.destroy();
      await dropSchema(schema);
    },
  };
}
