// The cache's configuration, parsed once at start.
import { z } from 'zod';
import { httpEnv, loadConfig, natsEnv, portEnv, redisEnv } from '@freshet/config';

const token = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'");
const positiveMs = z.coerce.number().int().positive();

export const cacheConfigSchema = z.object({
  ...httpEnv,
  ...portEnv(4040),
  ...natsEnv,
  ...redisEnv,
  /** Durable consumer of the events stream that builds the Redis projection (shared by replicas). */
  CACHE_PROJECTION_CONSUMER: token.default('cache-projection'),
  /** How long the server waits for the projection to ack an event before redelivering it. */
  CACHE_PROJECTION_ACK_WAIT_MS: positiveMs.default(30_000),
  /** How long a source definition (staleAfter) asked from ingest is reused. */
  CACHE_SOURCE_INFO_TTL_MS: positiveMs.default(30_000),
  /**
   * Safety net of a revalidation's marker in Redis: a sync whose end the cache never hears
   * of stops holding the source after this (the scheduler's stale-job resend is 15 min).
   */
  CACHE_REVALIDATE_TTL_MS: positiveMs.default(900_000),
  /** After a revalidation failed, stale reads say `error` and ask for no new sync for this long. */
  CACHE_REVALIDATE_RETRY_AFTER_MS: positiveMs.default(300_000),
  /** Deadline of internal NATS requests (ingest's get-source, the scheduler's revalidate). */
  CACHE_RPC_TIMEOUT_MS: positiveMs.default(2_000),
  /** At most one cache.written per source per this interval (trailing edge, latest seq/count). */
  CACHE_WRITTEN_INTERVAL_MS: positiveMs.default(1_000),
  /** Safety net of a view rebuild's claim: a rebuild whose replica died stops holding the source after this. */
  CACHE_REBUILD_CLAIM_TTL_MS: positiveMs.default(300_000),
  /** How often the projection reads the views' generation again (after a Redis flush, views it makes are cold until then). */
  CACHE_GENERATION_REFRESH_MS: positiveMs.default(1_000),
  /**
   * Memory for encoded snapshot pages of unchanged views (keyed by the exact view state, so
   * never stale); 0 turns it off.
   */
  CACHE_PAGE_MEMO_BYTES: z.coerce.number().int().nonnegative().default(64 * 1024 * 1024),
  /** At most one metrics.updated per tenant per this interval (per replica). */
  CACHE_METRICS_INTERVAL_MS: positiveMs.default(1_000),
  /** How often each replica drops the views whose source's cacheTtlMs ran out (cache.expired); reads only Redis. */
  CACHE_EXPIRY_SWEEP_MS: positiveMs.default(30_000),
});
export type CacheConfig = z.infer<typeof cacheConfigSchema>;

export function loadCacheConfig(env?: Record<string, string | undefined>): Readonly<CacheConfig> {
  return loadConfig('cache', cacheConfigSchema, env);
}
