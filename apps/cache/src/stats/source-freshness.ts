// The freshness of a tenant's views as they stand, for the gateway's overview
// (`cache.freshness`): each source's meta (seq, count, lastSyncedAt, the last failed
// revalidation) and whether a revalidation is in flight, read in one pipeline. `state` is
// what a snapshot read would report — fresh within staleAfter; else `revalidating` while
// the marker is held, `error` while a failed revalidation is recent (Redis server time,
// as the claim script decides it), else `stale` — but observing never claims or starts a
// revalidation: an overview must not cause syncs.
import type { Redis } from 'ioredis';
import type { CacheFreshnessRequest, FreshnessState, SourceFreshness } from '@freshet/contracts';
import { metaKey, revalidationKey } from '../projection/keys';
import { freshnessOf } from '../snapshots/freshness';
import type { SourceDirectory } from '../snapshots/source-directory';

/** Concurrent source-directory lookups for sources whose staleAfter the caller did not give. */
const DIRECTORY_CONCURRENCY = 16;

export interface SourceFreshnessOptions {
  redis: Redis;
  /** Where a staleAfter the caller did not give is asked (ingest's get-source, cached). */
  directory: SourceDirectory;
  /** CACHE_REVALIDATE_RETRY_AFTER_MS: how long a failed revalidation makes stale reads say `error`. */
  retryAfterMs: number;
  now?: () => number;
}

const toInt = (value: string | null | undefined): number => {
  const n = value === null || value === undefined ? NaN : Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
};

async function staleAfterOf(directory: SourceDirectory, tenant: string, sources: CacheFreshnessRequest['sources']): Promise<Map<string, number | null>> {
  const known = new Map<string, number | null>();
  const missing: string[] = [];
  for (const { source, staleAfterMs } of sources) {
    if (staleAfterMs !== undefined) known.set(source, staleAfterMs);
    else missing.push(source);
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < missing.length) {
      const source = missing[next++] as string;
      // Unknown (ingest cannot say, or the source is gone): reported with staleAfterMs null.
      known.set(source, await directory.get(tenant, source).then((info) => info.staleAfterMs, () => null));
    }
  };
  await Promise.all(Array.from({ length: Math.min(DIRECTORY_CONCURRENCY, missing.length) }, worker));
  return known;
}

export async function readSourcesFreshness(options: SourceFreshnessOptions, request: CacheFreshnessRequest): Promise<SourceFreshness[]> {
  const { redis, directory, retryAfterMs, now = Date.now } = options;
  const { tenant } = request;
  const sources = [...new Map(request.sources.map((s) => [s.source, s])).values()];
  if (sources.length === 0) return [];

  const pipeline = redis.pipeline().time();
  for (const { source } of sources) {
    pipeline.hmget(metaKey(tenant, source), 'seq', 'lastSyncedAt', 'count', 'error', 'errorAt').exists(revalidationKey(tenant, source));
  }
  const [results, staleAfter] = await Promise.all([pipeline.exec(), staleAfterOf(directory, tenant, sources)]);
  if (results === null) throw new Error('the Redis pipeline was aborted');
  const failed = results.find(([error]) => error)?.[0];
  if (failed) throw failed;

  const [seconds, micros] = results[0]?.[1] as [string, string];
  const redisNowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const nowMs = now();
  return sources.map(({ source }, i) => {
    const [seq, lastSyncedAt, count, error, errorAt] = results[1 + 2 * i]?.[1] as (string | null)[];
    const revalidating = results[2 + 2 * i]?.[1] === 1;
    const staleAfterMs = staleAfter.get(source) ?? null;
    const synced = lastSyncedAt && !Number.isNaN(Date.parse(lastSyncedAt)) ? lastSyncedAt : null;
    // Without a staleAfter the data cannot be called fresh; its age is still known.
    const freshness = staleAfterMs === null ? { ageMs: freshnessOf(synced, 1, nowMs).ageMs, state: 'stale' as const } : freshnessOf(synced, staleAfterMs, nowMs);
    const failedRecently = error !== null && error !== undefined && errorAt !== null && errorAt !== undefined && redisNowMs - Number(errorAt) < retryAfterMs;
    let state: FreshnessState;
    if (freshness.state === 'fresh') state = 'fresh';
    else if (revalidating) state = 'revalidating';
    else if (failedRecently) state = 'error';
    else state = 'stale';
    return {
      source,
      seq: toInt(seq),
      lastSyncedAt: synced,
      ageMs: freshness.ageMs,
      staleAfterMs,
      state,
      ...(state === 'error' && error ? { error } : {}),
      count: toInt(count),
    };
  });
}
