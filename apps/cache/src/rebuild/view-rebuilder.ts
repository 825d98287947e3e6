// Rebuilds a cold view (Redis flushed, view cleared, corrupt, or made in an older
// generation) from the database, in the background of the read that found it cold; that
// read, and every read until the rebuild finishes, is answered from the database. One
// rebuild per source across replicas (a claim in Redis with a TTL, in case a replica dies
// midway); see rebuild-store.ts for why events arriving meanwhile are never lost.
import { randomUUID } from 'node:crypto';
import type { Meter } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import type { Logger } from '@freshet/telemetry';
import type { DatabaseRecords } from '../snapshots/database-records';
import { claimRebuild, finishRebuild, releaseRebuild, startRebuild, writeRebuildPage } from './rebuild-store';

export interface ViewRebuilder {
  /** Starts a rebuild of the view unless one runs (here or on another replica); never waits for it. */
  request(tenant: string, source: string, generation: string): void;
  /** Waits for the rebuilds this process runs (on stop). */
  drain(): Promise<void>;
}

export interface ViewRebuilderOptions {
  redis: Redis;
  records: DatabaseRecords;
  /** The events stream's last sequence now. */
  streamLastSeq: () => Promise<number>;
  logger: Logger;
  meter: Meter;
  /** Safety net of the claim: a rebuild whose replica died stops holding the source after this. */
  claimTtlMs: number;
  pageSize?: number;
  /** Told when a view was rebuilt (the service sends cache.written). */
  onRebuilt?: (tenant: string, source: string) => void;
}

export type RebuildOutcome = 'rebuilt' | 'lost' | 'failed' | 'busy';

export function createViewRebuilder(options: ViewRebuilderOptions): ViewRebuilder & { rebuild(tenant: string, source: string, generation: string): Promise<RebuildOutcome> } {
  const { redis, records, streamLastSeq, logger, claimTtlMs, pageSize = 1000 } = options;
  const outcomes = options.meter.createCounter('freshet_cache_rebuilds_total', { description: 'Rebuilds of a view from the database, by outcome' });
  // From 0, so rates and dashboards see the outcomes before the first rebuild.
  for (const outcome of ['rebuilt', 'lost', 'failed'] as const) outcomes.add(0, { outcome });
  const running = new Map<string, Promise<RebuildOutcome>>();

  const run = async (tenant: string, source: string, generation: string): Promise<RebuildOutcome> => {
    const token = randomUUID();
    if (!(await claimRebuild(redis, tenant, source, token, claimTtlMs))) return 'busy';
    const started = Date.now();
    try {
      await startRebuild(redis, tenant, source, token);
      // Read before the records: every event up to it is in what the database answers.
      const s0 = await streamLastSeq();
      let after: string | undefined;
      let lastSyncedAt: string | null = null;
      let listed = 0;
      do {
        const page = await records.page(tenant, source, { after, limit: pageSize });
        lastSyncedAt = page.lastSyncedAt;
        listed += page.records.length;
        const rows = page.records.map(({ key, record }) => ({ key, json: JSON.stringify(record) }));
        if (!(await writeRebuildPage(redis, tenant, source, token, s0, rows))) return 'lost';
        after = page.next;
      } while (after !== undefined);
      const removed = await finishRebuild(redis, tenant, source, token, s0, generation, lastSyncedAt);
      if (removed === undefined) return 'lost';
      logger.info({ tenant, source, s0, listed, removed, ms: Date.now() - started }, 'view rebuilt from the database');
      options.onRebuilt?.(tenant, source);
      return 'rebuilt';
    } finally {
      await releaseRebuild(redis, tenant, source, token).catch((error: unknown) => logger.warn({ err: error, tenant, source }, 'could not release the rebuild claim; it expires'));
    }
  };

  const rebuild = (tenant: string, source: string, generation: string): Promise<RebuildOutcome> => {
    const id = `${tenant}/${source}`;
    const pending = running.get(id);
    if (pending) return pending;
    const work = run(tenant, source, generation)
      .catch((error: unknown) => {
        logger.warn({ err: error, tenant, source }, 'view rebuild failed; the next read of the view tries again');
        return 'failed' as const;
      })
      .then((outcome) => {
        if (outcome !== 'busy') outcomes.add(1, { outcome });
        return outcome;
      })
      .finally(() => running.delete(id));
    running.set(id, work);
    return work;
  };

  return {
    rebuild,
    request(tenant, source, generation) {
      void rebuild(tenant, source, generation);
    },
    async drain() {
      await Promise.allSettled([...running.values()]);
    },
  };
}
