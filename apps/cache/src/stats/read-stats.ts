// Cumulative snapshot-read counters per tenant, kept in Redis so they survive restarts and
// add up across replicas: the hash `stats:{<tenant>}:reads` (relative to REDIS_KEY_PREFIX;
// the `{tenant}` hash tag keeps it in the tenant's cluster slot) with fields `hits`,
// `misses`, `servedFrom:cache|database|upstream` and `since` (ISO time of the first read
// ever counted). It feeds the hit ratio and served-from mix of the gateway's overview
// (`cache.stats`), where the Prometheus counter has no tenant and `metrics.updated`
// events carry one second of one replica each.
//
// A read never waits for Redis: counts are added up in memory and written every
// `flushMs` (one MULTI of HINCRBYs per tenant with reads). A failed write keeps its counts
// for the next flush; what is pending when a replica dies is lost (at most `flushMs` of
// its reads). An admin clear of a tenant's views (`src:{<tenant>}:*`) leaves the counters.
import type { Redis } from 'ioredis';
import type { CacheReadStats, ServedFrom } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';

export function readStatsKey(tenant: string): string {
  return `stats:{${tenant}}:reads`;
}

const SERVED_FROM: readonly ServedFrom[] = ['cache', 'database', 'upstream'];

interface Pending {
  hits: number;
  misses: number;
  servedFrom: Record<ServedFrom, number>;
  /** When the first of these reads happened (epoch ms). */
  since: number;
}

export interface ReadStats {
  record(tenant: string, read: { hit: boolean; servedFrom: ServedFrom }): void;
  /** Writes what is pending now (the stats RPC calls it so its own reads are in the answer). */
  flush(): Promise<void>;
  /** Stops the timer and writes what is pending. */
  stop(): Promise<void>;
}

export function createReadStats(options: { redis: Redis; logger: Logger; flushMs: number; now?: () => number }): ReadStats {
  const { redis, logger, flushMs, now = Date.now } = options;
  let pending = new Map<string, Pending>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const merge = (tenant: string, counts: Pending): void => {
    const into = pending.get(tenant);
    if (!into) {
      pending.set(tenant, counts);
      return;
    }
    into.hits += counts.hits;
    into.misses += counts.misses;
    for (const from of SERVED_FROM) into.servedFrom[from] += counts.servedFrom[from];
    into.since = Math.min(into.since, counts.since);
  };

  const write = async (tenant: string, counts: Pending): Promise<void> => {
    const key = readStatsKey(tenant);
    const tx = redis.multi().hincrby(key, 'hits', counts.hits).hincrby(key, 'misses', counts.misses);
    for (const from of SERVED_FROM) if (counts.servedFrom[from] > 0) tx.hincrby(key, `servedFrom:${from}`, counts.servedFrom[from]);
    tx.hsetnx(key, 'since', new Date(counts.since).toISOString());
    const results = await tx.exec();
    const failed = results === null ? new Error('transaction aborted') : results.find(([error]) => error)?.[0];
    if (failed) throw failed;
  };

  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = new Map();
    await Promise.all(
      [...batch].map(([tenant, counts]) =>
        write(tenant, counts).catch((error: unknown) => {
          // Kept for the next flush: counters are sums, so adding them later is exact.
          merge(tenant, counts);
          logger.debug({ err: error, tenant }, 'could not write read stats; keeping them for the next flush');
        }),
      ),
    );
    if (pending.size > 0) schedule();
  };

  function schedule(): void {
    if (timer || stopped) return;
    timer = setTimeout(() => void flush(), flushMs);
    timer.unref();
  }

  return {
    record(tenant, read) {
      let counts = pending.get(tenant);
      if (!counts) {
        counts = { hits: 0, misses: 0, servedFrom: { cache: 0, database: 0, upstream: 0 }, since: now() };
        pending.set(tenant, counts);
      }
      if (read.hit) counts.hits += 1;
      else counts.misses += 1;
      counts.servedFrom[read.servedFrom] += 1;
      schedule();
    },
    flush,
    async stop() {
      stopped = true;
      await flush();
    },
  };
}

const count = (value: string | undefined): number => {
  const n = value === undefined ? 0 : Number.parseInt(value, 10);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
};

/** The tenant's counters as written so far (every replica's flushed reads). */
export async function loadReadStats(redis: Redis, tenant: string): Promise<CacheReadStats> {
  const fields = await redis.hgetall(readStatsKey(tenant));
  const hits = count(fields['hits']);
  const misses = count(fields['misses']);
  const since = fields['since'] !== undefined && !Number.isNaN(Date.parse(fields['since'])) ? fields['since'] : null;
  return {
    hits,
    misses,
    hitRatio: hits + misses === 0 ? null : hits / (hits + misses),
    servedFrom: { cache: count(fields['servedFrom:cache']), database: count(fields['servedFrom:database']), upstream: count(fields['servedFrom:upstream']) },
    since,
  };
}
