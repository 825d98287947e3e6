// The event store's migrations, listed statically (no filesystem scan) so bundles and
// tests see exactly the same set. Names sort in the order they must run.
import type { Migration } from 'kysely';
import * as createEvents from './0001-create-events';
import * as createOutboxCheckpoints from './0002-create-outbox-checkpoints';
import * as createStoreMeta from './0003-create-store-meta';

export const EVENT_STORE_MIGRATION_TABLE = 'event_store_migration';

export const eventStoreMigrations: Record<string, Migration> = {
  '0001-create-events': createEvents,
  '0002-create-outbox-checkpoints': createOutboxCheckpoints,
  '0003-create-store-meta': createStoreMeta,
};
