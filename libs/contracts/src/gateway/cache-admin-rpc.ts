// The cache's admin reads over NATS request/reply, for the gateway's tenant overview:
//   <prefix>.rpc.cache.freshness — the view meta of the named sources of one tenant;
//   <prefix>.rpc.cache.stats     — the tenant's cumulative read counters.
// (Here rather than in rpc.ts: they use the snapshot's freshness vocabulary, and
// cache/snapshot.ts imports rpc.ts — the other way round would be an import cycle.)
import { z } from 'zod';
import { sourceIdSchema, tenantIdSchema } from '../tokens';
import { rpcErrorSchema } from '../rpc';
import { freshnessStateSchema } from '../cache/snapshot';

/** Sources one freshness request may name (the overview's page of a tenant's sources). */
export const FRESHNESS_MAX_SOURCES = 1000;

export const cacheFreshnessRequestSchema = z
  .object({
    tenant: tenantIdSchema,
    sources: z
      .array(
        z
          .object({
            source: sourceIdSchema,
            /**
             * The source's staleAfter as the caller knows it (ingest's list-sources). Absent:
             * the cache asks its source directory (one get-source per source not in memory).
             */
            staleAfterMs: z.number().int().positive().optional(),
          })
          .strict(),
      )
      .max(FRESHNESS_MAX_SOURCES),
  })
  .strict();
export type CacheFreshnessRequest = z.infer<typeof cacheFreshnessRequestSchema>;
export type CacheFreshnessRequestInput = z.input<typeof cacheFreshnessRequestSchema>;

/** One source's view as the cache holds it now; observing it never starts a revalidation. */
export const sourceFreshnessSchema = z.object({
  source: sourceIdSchema,
  /** Stream sequence the view reflects (0: nothing applied, or no view in Redis). */
  seq: z.number().int().nonnegative(),
  lastSyncedAt: z.iso.datetime({ offset: true }).nullable(),
  ageMs: z.number().int().nonnegative().nullable(),
  /** null when the source's staleAfter is unknown (ingest could not say); state is then `stale` unless revalidating or failed. */
  staleAfterMs: z.number().int().positive().nullable(),
  /** As a snapshot read would say it: fresh, else revalidating (a sync in flight), error (the last revalidation failed recently) or stale. */
  state: freshnessStateSchema,
  /** Why the last revalidation failed (`code: message`), while `state` is `error`. */
  error: z.string().optional(),
  /** Records in the view. */
  count: z.number().int().nonnegative(),
});
export type SourceFreshness = z.infer<typeof sourceFreshnessSchema>;

export const cacheFreshnessReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), sources: z.array(sourceFreshnessSchema) }),
  z.object({ ok: z.literal(false), error: rpcErrorSchema }),
]);
export type CacheFreshnessReply = z.infer<typeof cacheFreshnessReplySchema>;

export const cacheStatsRequestSchema = z.object({ tenant: tenantIdSchema }).strict();
export type CacheStatsRequest = z.infer<typeof cacheStatsRequestSchema>;

/** A tenant's snapshot reads since the counters began (every replica adds to them). */
export const cacheReadStatsSchema = z.object({
  /** Reads of a view that was synced or holds records. */
  hits: z.number().int().nonnegative(),
  /** Reads of an empty, never-synced view, and reads answered from the database. */
  misses: z.number().int().nonnegative(),
  /** hits / (hits + misses); null before the first read. */
  hitRatio: z.number().min(0).max(1).nullable(),
  servedFrom: z.object({ cache: z.number().int().nonnegative(), database: z.number().int().nonnegative(), upstream: z.number().int().nonnegative() }),
  /** When the counters began (the first read counted); null before it. */
  since: z.iso.datetime({ offset: true }).nullable(),
});
export type CacheReadStats = z.infer<typeof cacheReadStatsSchema>;

export const cacheStatsReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), reads: cacheReadStatsSchema }),
  z.object({ ok: z.literal(false), error: rpcErrorSchema }),
]);
export type CacheStatsReply = z.infer<typeof cacheStatsReplySchema>;
