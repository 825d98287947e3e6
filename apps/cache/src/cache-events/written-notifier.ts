// cache.written, coalesced: the projection marks a source dirty for every content event it
// applies; at most once per `intervalMs` per source (trailing edge) the notifier reads the
// view's meta and publishes one cache.written with the latest seq and count. A 1,000-record
// sync thus yields about one event per second of sync, the last carrying the final state.
//
// Published straight to JetStream (like source.status): the event is derived from the
// view, so a lost one is superseded by the next change; a failed publish is logged.
import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Redis } from 'ioredis';
import { publishEvent } from '@freshet/bus';
import type { Logger } from '@freshet/telemetry';
import { readViewMeta } from '../projection/projection-store';
import { CoalescedCauses } from './coalesced-span';

export interface WrittenNotifier {
  /** The view of tenant/source changed (a content event was applied). */
  changed(tenant: string, source: string): void;
  /** Publishes what is pending and stops (on shutdown). */
  stop(): Promise<void>;
}

export function createWrittenNotifier(options: { js: JetStreamClient; redis: Redis; prefix: string; logger: Logger; intervalMs: number }): WrittenNotifier {
  const { js, redis, prefix, logger, intervalMs } = options;
  const timers = new Map<string, { tenant: string; source: string; timer: NodeJS.Timeout; causes: CoalescedCauses }>();
  const inFlight = new Set<Promise<void>>();

  const publish = async (tenant: string, source: string, causes: CoalescedCauses): Promise<void> => {
    // In the trace of the changes it covers: the first one's child, linked to the others.
    await causes.run('cache.written', () => publishNow(tenant, source));
  };
  const publishNow = async (tenant: string, source: string): Promise<void> => {
    try {
      const meta = await readViewMeta(redis, tenant, source);
      if (meta.seq === 0) return; // cleared since: nothing to say
      await publishEvent(js, prefix, {
        id: randomUUID(),
        type: 'cache.written',
        tenant,
        source,
        time: new Date().toISOString(),
        data: { seq: meta.seq, count: meta.count },
      });
    } catch (error) {
      logger.warn({ err: error, tenant, source }, 'could not publish cache.written');
    }
  };
  const flush = (key: string): void => {
    const entry = timers.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    timers.delete(key);
    const p = publish(entry.tenant, entry.source, entry.causes).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  return {
    changed(tenant, source) {
      const key = `${tenant}\u0000${source}`;
      const pending = timers.get(key);
      if (pending) {
        pending.causes.noteActive();
        return;
      }
      const causes = new CoalescedCauses();
      causes.noteActive();
      const timer = setTimeout(() => flush(key), intervalMs);
      timer.unref();
      timers.set(key, { tenant, source, timer, causes });
    },
    async stop() {
      for (const key of [...timers.keys()]) flush(key);
      await Promise.all(inFlight);
    },
  };
}
