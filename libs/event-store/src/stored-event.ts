// A stored event as readers see it, and the one place that turns an `events` row back into
// the FreshetEvent envelope. Rows are re-parsed with the contract so readers never hand
// on something that no longer matches it; appends return the same shape as reads.
import { freshetEventSchema, type FreshetEvent } from '@freshet/contracts';
import type { Checkpoint } from './checkpoint';
import type { EventRow } from './db/events.table';
import { StoredEventInvalidError } from './errors';

export interface StoredEvent {
  /** bigint as a decimal string. */
  globalPosition: string;
  /** xid8 of the appending transaction, as a decimal string. */
  transactionId: string;
  streamId: string;
  streamVersion: number;
  recordedAt: Date;
  event: FreshetEvent;
}

export function toStoredEvent(row: EventRow): StoredEvent {
  const envelope = {
    id: row.event_id,
    type: row.type,
    tenant: row.tenant,
    source: row.source,
    time: row.occurred_at.toISOString(),
    data: row.data,
    ...(row.trace === null ? {} : { trace: row.trace }),
  };
  const parsed = freshetEventSchema.safeParse(envelope);
  if (!parsed.success) throw new StoredEventInvalidError(row.global_position, { cause: parsed.error });
  return {
    globalPosition: row.global_position,
    transactionId: row.transaction_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    recordedAt: row.recorded_at,
    event: parsed.data,
  };
}

export function checkpointOf(stored: StoredEvent): Checkpoint {
  return { transactionId: stored.transactionId, position: stored.globalPosition };
}
