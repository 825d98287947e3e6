// Errors the event store raises. Each has a stable `code` so callers branch on it (retry
// on a version conflict, map invalid input to a 400 at the gateway) without matching on
// messages, and keeps the underlying `cause` (a pg or zod error) for the logs.

export class EventStoreError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export type ExpectedVersion = number | 'no_stream' | 'any';

/** The stream is not at the version the caller decided on; nothing was written. Retry by re-reading. */
export class WrongExpectedVersionError extends EventStoreError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number | undefined,
    options?: { cause?: unknown },
  ) {
    const found = actual === undefined ? 'a concurrent append' : `version ${actual}`;
    const message = `stream ${JSON.stringify(streamId)} expected ${String(expected)}, found ${found}`;
    super('WRONG_EXPECTED_VERSION', message, options);
  }
}

/**
 * The stream's last event was written by a transaction that started writing after this one,
 * so this append would sort before it in the global log (readers order by transaction id).
 * Nothing was written; retry the whole transaction, as for a version conflict.
 */
export class StreamOrderConflictError extends EventStoreError {
  constructor(readonly streamId: string) {
    super(
      'STREAM_ORDER_CONFLICT',
      `stream ${JSON.stringify(streamId)} was appended to by a younger transaction; retry the transaction`,
    );
  }
}

/** An event does not match its contract; nothing was written. */
export class InvalidEventError extends EventStoreError {
  constructor(
    readonly streamId: string,
    readonly index: number,
    options: { cause: unknown },
  ) {
    const message = `event #${index} for stream ${JSON.stringify(streamId)} does not match its contract`;
    super('INVALID_EVENT', message, options);
  }
}

/** An event with this id is already stored (a retried append that already committed). */
export class DuplicateEventIdError extends EventStoreError {
  constructor(readonly streamId: string, options?: { cause?: unknown }) {
    const message = `an event appended to stream ${JSON.stringify(streamId)} has an id that is already stored`;
    super('DUPLICATE_EVENT_ID', message, options);
  }
}

/** A stored row no longer parses as a FreshetEvent (the contract changed incompatibly). */
export class StoredEventInvalidError extends EventStoreError {
  constructor(readonly globalPosition: string, options: { cause: unknown }) {
    super('STORED_EVENT_INVALID', `stored event at position ${globalPosition} does not match the event contract`, options);
  }
}

/** The schema name cannot be used as a Postgres identifier / search_path. */
export class InvalidSchemaNameError extends EventStoreError {
  constructor(readonly schema: string) {
    super('INVALID_SCHEMA_NAME', `schema ${JSON.stringify(schema)} must match /^[a-z_][a-z0-9_]{0,50}$/`);
  }
}

/** The store has not been migrated (no epoch), so positions cannot be trusted yet. */
export class StoreNotMigratedError extends EventStoreError {
  constructor() {
    super('STORE_NOT_MIGRATED', 'the event store has no epoch: run migrateEventStore first');
  }
}

/** A migration failed; the migrator rolled the run back. */
export class MigrationError extends EventStoreError {
  constructor(
    readonly migrationName: string | undefined,
    options: { cause: unknown },
  ) {
    super('MIGRATION_FAILED', `migration ${migrationName ?? '(setup)'} failed`, options);
  }
}

/** Relay options that would make it spin or never run (a batch size below 1, a negative interval). */
export class InvalidRelayOptionsError extends EventStoreError {
  constructor(reason: string) {
    super('INVALID_RELAY_OPTIONS', reason);
  }
}

/** The relay's publish function failed; progress up to the last published event was saved. */
export class OutboxPublishError extends EventStoreError {
  constructor(
    readonly relay: string,
    readonly published: number,
    options: { cause: unknown },
  ) {
    const message = `outbox relay ${JSON.stringify(relay)} failed to publish after ${published} events`;
    super('OUTBOX_PUBLISH_FAILED', message, options);
  }
}

/** The append request itself is malformed (empty stream id, impossible expected version). */
export class InvalidAppendError extends EventStoreError {
  constructor(reason: string) {
    super('INVALID_APPEND', reason);
  }
}
