// Appends events to one stream with optimistic concurrency. The caller owns the
// transaction: pass a trx to append atomically with other writes (a cursor update), or a
// db and the append gets its own. A version mismatch or a concurrent append (caught by
// unique(stream_id, stream_version)) throws WrongExpectedVersionError and writes nothing;
// a unique violation aborts the caller's transaction, which is intended: it must retry.
// The same transaction NOTIFYs `<schema>_events`, delivered on commit, to wake relays.
import type { NewEvent } from '@freshet/contracts';
import { sql, type Kysely } from 'kysely';
import { asEventStoreDb, type EventStoreDatabase, type EventStoreExecutor } from './db/event-store-database';
import {
  DuplicateEventIdError,
  InvalidAppendError,
  StreamOrderConflictError,
  WrongExpectedVersionError,
  type ExpectedVersion,
} from './errors';
import { assertExpectedVersion, assertExpectedVersionShape, NO_STREAM_VERSION } from './expected-version';
import { uniqueViolationConstraint } from './pg-errors';
import { inAppendSpan } from './append-tracing';
import { prepareEvents } from './prepare-events';
import { readStreamVersion } from './read-stream';
import type { StoredEvent } from './stored-event';

// Constraint names from migration 0001 (migrations are frozen, so these never drift).
const STREAM_VERSION_CONSTRAINT = 'events_stream_version_unique';
const EVENT_ID_CONSTRAINT = 'events_event_id_unique';

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
}

export interface AppendResult {
  /** The stream's version after this append: pass it as the next expectedVersion. */
  nextExpectedVersion: number;
  events: StoredEvent[];
}

/**
 * Missing ids and times are filled (randomUUID, now). Times come back normalized to UTC
 * with millisecond precision, exactly as readStream/readAll return them.
 */
export async function appendToStream<DB extends EventStoreDatabase>(
  db: EventStoreExecutor<DB>,
  streamId: string,
  events: readonly NewEvent[],
  options: AppendOptions,
): Promise<AppendResult> {
  if (streamId.length === 0) throw new InvalidAppendError('streamId must not be empty');
  assertExpectedVersionShape(options.expectedVersion);
  // Inside a trace: a span, and the events keep its context for the relay (append-tracing.ts).
  return inAppendSpan(streamId, events, (traced) => appendPrepared(db, streamId, prepareEvents(streamId, traced), options));
}

async function appendPrepared<DB extends EventStoreDatabase>(
  db: EventStoreExecutor<DB>,
  streamId: string,
  prepared: ReturnType<typeof prepareEvents>,
  options: AppendOptions,
): Promise<AppendResult> {
  const store = asEventStoreDb(db);
  const append = (trx: Kysely<EventStoreDatabase>) => insertEvents(trx, streamId, prepared, options.expectedVersion);
  if (store.isTransaction) return append(store);
  try {
    return await store.transaction().execute(append);
  } catch (error) {
    // Our own transaction has rolled back, so the winner's version can be reported.
    if (error instanceof WrongExpectedVersionError && error.actual === undefined) {
      const actual = await readStreamVersion(store, streamId);
      throw new WrongExpectedVersionError(streamId, error.expected, actual, { cause: error.cause });
    }
    throw error;
  }
}

async function insertEvents(
  trx: Kysely<EventStoreDatabase>,
  streamId: string,
  events: ReturnType<typeof prepareEvents>,
  expected: ExpectedVersion,
): Promise<AppendResult> {
  const head = await trx
    .selectFrom('events')
    .select(['stream_version', sql<boolean>`transaction_id > pg_current_xact_id()`.as('written_by_younger_transaction')])
    .where('stream_id', '=', streamId)
    .orderBy('stream_version', 'desc')
    .limit(1)
    .executeTakeFirst();
  const current = head?.stream_version ?? NO_STREAM_VERSION;
  assertExpectedVersion(streamId, expected, current);
  if (events.length === 0) return { nextExpectedVersion: current, events: [] };
  // Readers order the log by transaction id; appending after a younger transaction's event
  // would put this stream's versions out of order there. Only possible when this
  // transaction wrote something before that one committed; a retry gets a fresh id.
  if (head?.written_by_younger_transaction === true) throw new StreamOrderConflictError(streamId);

  const rows = await trx
    .insertInto('events')
    .values(
      events.map((event, index) => ({
        event_id: event.id,
        stream_id: streamId,
        stream_version: current + index + 1,
        type: event.type,
        tenant: event.tenant,
        source: event.source,
        data: JSON.stringify(event.data),
        trace: event.trace === undefined ? null : JSON.stringify(event.trace),
        occurred_at: event.time,
      })),
    )
    // Only what the database decided: the events themselves were validated above, so
    // sending them back and parsing them again would double the cost of a large append.
    .returning(['event_id', 'global_position', 'transaction_id', 'stream_version', 'recorded_at'])
    .execute()
    .catch((error: unknown) => {
      throw translateInsertError(error, streamId, expected);
    });
  await sql`select pg_notify(current_schema() || '_events', '')`.execute(trx);
  const byId = new Map(events.map((event) => [event.id, event]));
  const stored: StoredEvent[] = rows
    .map((row) => ({
      globalPosition: row.global_position,
      transactionId: row.transaction_id,
      streamId,
      streamVersion: row.stream_version,
      recordedAt: row.recorded_at,
      event: byId.get(row.event_id)!,
    }))
    .sort((a, b) => a.streamVersion - b.streamVersion);
  return { nextExpectedVersion: current + events.length, events: stored };
}

function translateInsertError(error: unknown, streamId: string, expected: ExpectedVersion): unknown {
  const constraint = uniqueViolationConstraint(error);
  if (constraint === STREAM_VERSION_CONSTRAINT) {
    return new WrongExpectedVersionError(streamId, expected, undefined, { cause: error });
  }
  if (constraint === EVENT_ID_CONSTRAINT) return new DuplicateEventIdError(streamId, { cause: error });
  return error;
}
