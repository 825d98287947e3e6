// Re-publishes a range of the log, for when JetStream lost messages (nats-server fsyncs
// about once a minute) or a stream was recreated. Postgres is the source of truth; the
// publisher's Nats-Msg-Id dedup and idempotent consumers absorb any overlap.
import { compareCheckpoints, type Checkpoint } from '../checkpoint';
import { asEventStoreDb, type EventStoreDatabase, type EventStoreExecutor } from '../db/event-store-database';
import { readAll } from '../read-all';
import { checkpointOf, type StoredEvent } from '../stored-event';

export interface RepublishRangeOptions {
  /** Exclusive lower bound (default: from the start). */
  after?: Checkpoint;
  /** Inclusive upper bound (default: up to the safe end of the log). */
  until?: Checkpoint;
  publish: (event: StoredEvent) => Promise<void>;
  batchSize?: number;
}

/** Resolves to the number of events published; a failed publish rejects (nothing is saved). */
export async function republishRange<DB extends EventStoreDatabase>(
  db: EventStoreExecutor<DB>,
  options: RepublishRangeOptions,
): Promise<number> {
  const store = asEventStoreDb(db);
  const batchSize = options.batchSize ?? 500;
  let after = options.after;
  let published = 0;
  for (;;) {
    const events = await readAll(store, { after, limit: batchSize });
    for (const stored of events) {
      const pastEnd = options.until !== undefined && compareCheckpoints(checkpointOf(stored), options.until) > 0;
      if (pastEnd) return published;
      await options.publish(stored);
      published += 1;
      after = checkpointOf(stored);
    }
    if (events.length < batchSize) return published;
  }
}
