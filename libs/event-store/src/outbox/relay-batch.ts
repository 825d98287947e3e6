// One pass of the outbox relay: read from the checkpoint, publish in log order, save the
// checkpoint. Publishing is at-least-once (a crash between publish and save republishes
// on restart; the publisher's Nats-Msg-Id = event id lets JetStream drop the copy). A
// failed publish stops the batch and saves progress up to the last published event, so
// a retry neither skips nor needlessly repeats.
import type { Kysely } from 'kysely';
import { START_CHECKPOINT, type Checkpoint } from '../checkpoint';
import type { EventStoreDatabase } from '../db/event-store-database';
import { OutboxPublishError } from '../errors';
import { readAll } from '../read-all';
import { checkpointOf, type StoredEvent } from '../stored-event';
import { findOutboxCheckpoint, saveOutboxCheckpoint } from './outbox-checkpoint.repository';
import type { RelayLogger } from './relay-logger';

export interface RelayBatchContext {
  db: Kysely<EventStoreDatabase>;
  name: string;
  epoch: string;
  batchSize: number;
  publish: (event: StoredEvent) => Promise<void>;
  logger: RelayLogger;
  /** Test seam: throwing here aborts without saving the checkpoint, like a killed process. */
  afterPublish?: (event: StoredEvent) => void | Promise<void>;
}

export interface RelayBatchResult {
  published: number;
  /** True when the batch was full, so more events may be waiting. */
  full: boolean;
}

export async function runRelayBatch(ctx: RelayBatchContext): Promise<RelayBatchResult> {
  const after = await loadStartingPoint(ctx);
  const events = await readAll(ctx.db, { after, limit: ctx.batchSize });
  let last: Checkpoint | undefined;
  let published = 0;
  for (const stored of events) {
    try {
      await ctx.publish(stored);
    } catch (error) {
      if (last !== undefined) await saveOutboxCheckpoint(ctx.db, ctx.name, { checkpoint: last, epoch: ctx.epoch });
      throw new OutboxPublishError(ctx.name, published, { cause: error });
    }
    last = checkpointOf(stored);
    published += 1;
    await ctx.afterPublish?.(stored);
  }
  if (last !== undefined) await saveOutboxCheckpoint(ctx.db, ctx.name, { checkpoint: last, epoch: ctx.epoch });
  return { published, full: events.length === ctx.batchSize };
}

// A checkpoint from another epoch belongs to a store that no longer exists: its position
// means nothing here. Starting over republishes everything (deduped by id downstream)
// rather than silently skipping the new store's first events.
async function loadStartingPoint(ctx: RelayBatchContext): Promise<Checkpoint> {
  const saved = await findOutboxCheckpoint(ctx.db, ctx.name);
  if (saved === undefined) return START_CHECKPOINT;
  if (saved.epoch === ctx.epoch) return saved.checkpoint;
  ctx.logger.warn(
    { relay: ctx.name, savedEpoch: saved.epoch, storeEpoch: ctx.epoch },
    'outbox checkpoint is from another store epoch; republishing from the start',
  );
  return START_CHECKPOINT;
}
