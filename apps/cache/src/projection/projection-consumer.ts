// Builds the per-source Redis view from the events stream: one durable pull consumer over
// every event subject (nats-server 2.9 has one filter per consumer), taking one message
// at a time (max_ack_pending 1, shared by every replica), so events are applied in stream
// order and a redelivered one never lands after a later one. Content and job events are
// validated and applied by sequence (idempotent); other families are acked untouched.
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { trace, type Meter } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { API_CODES, consumeDurable, ensureDurableConsumer, isApiError, type ConsumerHandle, type HandlerResult, type StreamBounds } from '@freshet/bus';
import { allEventsSubject, freshetEventSchema, type FreshetEvent } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';
import { isProjectedFamily, projectionOpFor } from './projection-op';
import { applyProjectionOp } from './projection-store';
import type { GenerationTracker } from './generation';

/**
 * One unacked event at a time, across all replicas: with more, a nak'd event could be
 * redelivered after a later one was applied, and the sequence check would then drop it.
 */
export const PROJECTION_MAX_ACK_PENDING = 1;
/** Effectively "until Redis is back": a skipped event would leave a hole in the view. */
export const PROJECTION_MAX_DELIVER = 100_000;

/** Accepts any event envelope; content and job events are validated strictly in the handler. */
const anyEventSchema = z.object({ type: z.string() }).loose();

export interface ProjectionConsumerOptions {
  nc: NatsConnection;
  redis: Redis;
  logger: Logger;
  prefix: string;
  stream: string;
  durable: string;
  ackWaitMs: number;
  /** Stamps the views this consumer makes from nothing (see generation.ts). */
  generation: GenerationTracker;
  meter: Meter;
  /**
   * True only when the source is known not to exist (events of unknown sources are ignored
   * and counted); false when it exists or the directory cannot say (applying is safe then).
   */
  isUnknownSource?: (tenant: string, source: string) => Promise<boolean>;
  /** Called after each event that changed a view (the service sends cache.written for content events). */
  onApplied?: (event: { tenant: string; source: string; seq: number; type: string }) => void;
  /**
   * Called for every valid job event once the view reflects it (`applied`: just now),
   * before the ack; a throw naks the event (stale-while-revalidate's status tracking).
   */
  onJobEvent?: (event: FreshetEvent, applied: boolean) => Promise<void>;
}

export async function startProjectionConsumer(options: ProjectionConsumerOptions): Promise<ConsumerHandle> {
  const { nc, redis, logger, prefix, stream, durable, generation } = options;
  const unknownSourceEvents = options.meter.createCounter('freshet_cache_unknown_source_events_total', {
    description: 'Content and job events of sources the directory does not know, ignored by the projection',
  });
  await ensureDurableConsumer(nc, {
    stream,
    durable,
    filterSubject: allEventsSubject(prefix),
    ackWaitMs: options.ackWaitMs,
    maxAckPending: PROJECTION_MAX_ACK_PENDING,
    maxDeliver: PROJECTION_MAX_DELIVER,
  });
  return consumeDurable({
    nc,
    stream,
    durable,
    schema: anyEventSchema,
    logger,
    name: 'cache-projection',
    batchSize: 1,
    handler: async (raw, ctx): Promise<HandlerResult> => {
      if (!isProjectedFamily(raw.type)) return { ack: true };
      const parsed = freshetEventSchema.safeParse(raw);
      if (!parsed.success) {
        // Never applicable: redelivering would only block the stream behind it.
        return { term: `invalid ${raw.type} event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
      }
      const event = parsed.data;
      if (await options.isUnknownSource?.(event.tenant, event.source)) {
        unknownSourceEvents.add(1, { type: event.type });
        logger.warn({ seq: ctx.streamSequence, tenant: event.tenant, source: event.source, type: event.type }, 'event of an unknown source; ignored');
        return { ack: true };
      }
      const op = projectionOpFor(event);
      let applied = false;
      if (op !== undefined) {
        const stamp = await generation.get();
        applied = (await applyProjectionOp(redis, event.tenant, event.source, ctx.streamSequence, op, stamp)).applied;
        // On the consumer's span (`process cache-projection`, in the event's trace: decision 0013).
        trace.getActiveSpan()?.setAttributes({ 'freshet.tenant': event.tenant, 'freshet.source': event.source, 'freshet.event.type': event.type, 'freshet.cache.applied': applied });
        if (applied) options.onApplied?.({ tenant: event.tenant, source: event.source, seq: ctx.streamSequence, type: event.type });
        else logger.debug({ seq: ctx.streamSequence, tenant: event.tenant, source: event.source }, 'event already reflected in the view; skipped');
      }
      if (event.type.startsWith('job.')) await options.onJobEvent?.(event, applied);
      return { ack: true };
    },
  });
}

/**
 * Whether the projection consumer starts at the very beginning of a stream that still
 * holds every event (it does not exist yet, or never took a message): then every view it
 * makes from nothing will see all of its source's events, and the generation may trust them.
 */
export async function consumerStartsAtStreamStart(nc: NatsConnection, stream: string, durable: string, position: StreamBounds): Promise<boolean> {
  if (position.firstSeq > 1) return false; // the stream lost its first events (limits, purge)
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  try {
    const info = await jsm.consumers.info(stream, durable);
    return info.delivered.stream_seq === 0 && info.ack_floor.stream_seq === 0;
  } catch (error) {
    if (isApiError(error, API_CODES.consumerNotFound)) return true;
    throw error;
  }
}
