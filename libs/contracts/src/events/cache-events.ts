// cache.* — what the cache did to a source's view, for dashboards and subscribers.
import { z } from 'zod';
import { envelopeFields } from './envelope';

/**
 * The `source` of an event about a whole tenant (a tenant-wide `cache.cleared`,
 * `metrics.updated`): events are published on `<prefix>.evt.<tenant>.<source>.…`, so a
 * tenant-wide event needs a source token. Not a valid name for a real source's events.
 */
export const TENANT_SCOPE_SOURCE = '_tenant';

const count = z.number().int().nonnegative();

/**
 * The source's view changed. Coalesced by the cache (at most one per source per
 * interval), so it carries the latest state: the stream sequence the view reflects and
 * its record count at that point.
 */
export const cacheWrittenDataSchema = z.object({ seq: z.number().int().positive(), count });
export type CacheWrittenData = z.infer<typeof cacheWrittenDataSchema>;

export const cacheWrittenSchema = z.object({
  ...envelopeFields,
  type: z.literal('cache.written'),
  data: cacheWrittenDataSchema,
});
export type CacheWritten = z.infer<typeof cacheWrittenSchema>;

/** An admin cleared a source's view (`source`) or all of a tenant's (`tenant`, source `_tenant`). */
export const cacheClearedDataSchema = z.object({
  scope: z.enum(['source', 'tenant']),
  reason: z.string().min(1).max(2000),
});
export type CacheClearedData = z.infer<typeof cacheClearedDataSchema>;

export const cacheClearedSchema = z.object({
  ...envelopeFields,
  type: z.literal('cache.cleared'),
  data: cacheClearedDataSchema,
});
export type CacheCleared = z.infer<typeof cacheClearedSchema>;

/**
 * The source's view was dropped from Redis because it was neither read nor changed for its
 * `cacheTtlMs` (a per-source memory policy). The next read is answered from the database
 * and rebuilds the view. `idleSince` is when it was last read or changed, as the expiry
 * was scheduled (a TTL changed in between applies from the next read or event).
 */
export const cacheExpiredDataSchema = z.object({
  ttlMs: z.number().int().positive(),
  idleSince: z.iso.datetime({ offset: true }),
});
export type CacheExpiredData = z.infer<typeof cacheExpiredDataSchema>;

export const cacheExpiredSchema = z.object({
  ...envelopeFields,
  type: z.literal('cache.expired'),
  data: cacheExpiredDataSchema,
});
export type CacheExpired = z.infer<typeof cacheExpiredSchema>;
