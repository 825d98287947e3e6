// Public entry of @freshet/event-store: the Postgres event log (append with expected
// version, read a stream, read all in commit-safe order), its migrations and epoch, and
// the outbox relay that carries committed events to the bus exactly once in effect, and
// its lag as gauges.
export { createEventStoreDb, type CreateEventStoreDbOptions } from './db/create-event-store-db';
export type { EventStoreDatabase, EventStoreExecutor } from './db/event-store-database';
export type { EventsTable, EventRow, NewEventRow } from './db/events.table';
export type {
  OutboxCheckpointsTable,
  OutboxCheckpointRow,
  NewOutboxCheckpointRow,
  OutboxCheckpointUpdate,
} from './db/outbox-checkpoints.table';
export type { StoreMetaTable, StoreMetaRow, NewStoreMetaRow } from './db/store-meta.table';
export { eventsChannel } from './db/schema-name';

export { migrateEventStore } from './migrations/migrate-event-store';
export { runMigrations, type RunMigrationsOptions } from './migrations/run-migrations';
export { EVENT_STORE_MIGRATION_TABLE, eventStoreMigrations } from './migrations/event-store-migrations';
export { getStoreEpoch } from './store-epoch';

export { appendToStream, type AppendOptions, type AppendResult } from './append-to-stream';
export { readStream, readStreamVersion, type ReadStreamOptions, type ReadStreamResult } from './read-stream';
export { readAll, type ReadAllOptions } from './read-all';
export { START_CHECKPOINT, compareCheckpoints, type Checkpoint } from './checkpoint';
export { checkpointOf, type StoredEvent } from './stored-event';

export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox/outbox-relay';
export { republishRange, type RepublishRangeOptions } from './outbox/republish-range';
export {
  observeOutboxLag,
  OUTBOX_PENDING_METRIC,
  OUTBOX_LAG_METRIC,
  type OutboxLagOptions,
  type OutboxLagObserver,
} from './outbox/observe-outbox-lag';
export { readOutboxLag, PENDING_COUNT_LIMIT, type OutboxLag } from './outbox/read-outbox-lag';
export type { RelayLogger, LogFn } from './outbox/relay-logger';

export {
  EventStoreError,
  WrongExpectedVersionError,
  StreamOrderConflictError,
  InvalidEventError,
  InvalidAppendError,
  DuplicateEventIdError,
  StoredEventInvalidError,
  InvalidSchemaNameError,
  StoreNotMigratedError,
  MigrationError,
  OutboxPublishError,
  InvalidRelayOptionsError,
  type ExpectedVersion,
} from './errors';
export { readSourceHistory, type SourceHistoryPage, type SourceHistoryQuery } from './read-source-history';
