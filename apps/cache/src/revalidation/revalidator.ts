// Stale-while-revalidate. A read of stale data is answered at once from the view; the
// first such read across every replica claims the source's revalidation marker in Redis
// (set if absent, with a TTL as a safety net), publishes source.status = revalidating and
// asks the scheduler for a sync (whose single flight is the second line of defence). The
// projection consumer, which sees every job event, ends the revalidation: any applied
// job.completed of the source → `fresh`; a final failure (job.failed without retry, or
// job.dead) of the remembered job → `error` with the reason, and stale reads say `error`
// and ask for nothing for CACHE_REVALIDATE_RETRY_AFTER_MS. Nothing here polls: every
// step is caused by a read or an event.
//
// source.status events are published straight to JetStream, not through an outbox: they
// are derived from state (the marker, the view, the job events), so a lost one is
// re-derived by the next read or job event. Those derived from a job event carry an id
// derived from it, so a redelivered job event does not publish a second one.
import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { publishEvent, requestJson } from '@freshet/bus';
import { RPC, revalidateReplySchema, rpcSubject, type FreshetEvent, type RevalidateRequestInput, type SourceStatusData } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';
import { derivedEventId } from './derived-event-id';
import { PENDING_PREFIX, claimRevalidation, endRevalidation, failRevalidation, readRevalidation, rememberJob } from './revalidation-store';

/** Priority of a sync a waiting user asked for, and of one nobody waits for. */
export const USER_WAITING_PRIORITY = 10;
export const BACKGROUND_PRIORITY = 5;

export type StaleReadState = 'stale' | 'revalidating' | 'error';

export interface Revalidator {
  /** For a read of stale data: claims the source's revalidation if none is in flight, and says what the read reports. Never waits for the scheduler. */
  onStaleRead(tenant: string, source: string, options: { userWaiting: boolean }): Promise<StaleReadState>;
  /** For every job event the projection consumer handled; `applied` when it changed the view just now. */
  onJobEvent(event: FreshetEvent, applied: boolean): Promise<void>;
  /** Waits for the scheduler requests in flight (on stop). */
  drain(): Promise<void>;
}

export interface RevalidatorOptions {
  nc: NatsConnection;
  js: JetStreamClient;
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** Lifetime of a revalidation marker whose end is never heard of. */
  ttlMs: number;
  /** How long after a failed revalidation stale reads ask for none. */
  retryAfterMs: number;
  /** Deadline of the scheduler's revalidate request. */
  timeoutMs: number;
}

export function createRevalidator(options: RevalidatorOptions): Revalidator {
  const { nc, js, redis, prefix, logger, ttlMs, retryAfterMs, timeoutMs } = options;
  const subject = rpcSubject(prefix, RPC.scheduler.service, RPC.scheduler.revalidate);
  const inFlight = new Set<Promise<void>>();

  const publishStatus = async (tenant: string, source: string, id: string, data: SourceStatusData): Promise<void> => {
    await publishEvent(js, prefix, { id, type: 'source.status', tenant, source, time: new Date().toISOString(), data });
  };

  const requestSync = async (tenant: string, source: string, token: string, priority: number): Promise<void> => {
    try {
      await publishStatus(tenant, source, randomUUID(), { state: 'revalidating', reason: 'stale read' });
    } catch (error) {
      logger.warn({ err: error, tenant, source }, 'could not publish source.status revalidating; asking for the sync anyway');
    }
    const request: RevalidateRequestInput = { tenant, source, priority, reason: 'stale read (cache)' };
    let failure: string | undefined;
    try {
      const reply = await requestJson(nc, subject, request, revalidateReplySchema, timeoutMs);
      if (reply.ok) {
        if (!(await rememberJob(redis, tenant, source, token, reply.jobId))) {
          logger.debug({ tenant, source, jobId: reply.jobId }, 'revalidation ended before the scheduler answered');
        }
        return;
      }
      failure = `${reply.error.code}: ${reply.error.message}`;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    // The sync was not asked for: let the next stale read try again.
    logger.warn({ tenant, source, failure }, 'scheduler did not take the revalidation');
    if (await endRevalidation(redis, tenant, source, token)) {
      await publishStatus(tenant, source, randomUUID(), { state: 'stale', reason: `revalidation not started: ${failure}` });
    }
  };

  const track = (work: Promise<void>, context: Record<string, unknown>): void => {
    const tracked = work.catch((error: unknown) => logger.error({ err: error, ...context }, 'revalidation request failed')).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  return {
    async onStaleRead(tenant, source, { userWaiting }) {
      const token = `${PENDING_PREFIX}${randomUUID()}`;
      let claim;
      try {
        claim = await claimRevalidation(redis, tenant, source, { token, ttlMs, retryAfterMs });
      } catch (error) {
        logger.warn({ err: error, tenant, source }, 'could not claim the revalidation; serving stale data without one');
        return 'stale';
      }
      if (claim.outcome === 'error') return 'error';
      if (claim.outcome === 'claimed') {
        track(requestSync(tenant, source, token, userWaiting ? USER_WAITING_PRIORITY : BACKGROUND_PRIORITY), { tenant, source });
      }
      return 'revalidating';
    },

    async onJobEvent(event, applied) {
      const { tenant, source } = event;
      switch (event.type) {
        case 'job.completed': {
          const marker = await readRevalidation(redis, tenant, source);
          // Any newly applied completion ends it; a redelivered one only if it is the remembered job.
          if (marker === null || (!applied && marker !== event.data.jobId)) return;
          await publishStatus(tenant, source, derivedEventId(event.id, 'source.status'), {
            state: 'fresh',
            jobId: event.data.jobId,
            lastSyncedAt: event.time,
          });
          await endRevalidation(redis, tenant, source, marker);
          return;
        }
        case 'job.failed':
        case 'job.dead': {
          if (event.type === 'job.failed' && event.data.willRetry) return;
          const marker = await readRevalidation(redis, tenant, source);
          if (marker !== event.data.jobId) return;
          const reason = `${event.data.error.code}: ${event.data.error.message}`;
          await publishStatus(tenant, source, derivedEventId(event.id, 'source.status'), { state: 'error', jobId: event.data.jobId, reason });
          await failRevalidation(redis, tenant, source, marker, reason);
          return;
        }
        default:
          return;
      }
    },

    async drain() {
      await Promise.allSettled([...inFlight]);
    },
  };
}
