// Snapshot reads of the cache's per-source projection: the query (HTTP query string or
// NATS request), and the page it answers with its freshness metadata. `meta.seq` is the
// JetStream stream sequence the records reflect: resume the event stream after it and
// nothing is missed or doubled.
import { z } from 'zod';
import { sourceIdSchema, tenantIdSchema } from '../tokens';
import { recordKeySchema, recordSchema } from '../events/content-events';
import { rpcErrorSchema } from '../rpc';

export const SNAPSHOT_MAX_LIMIT = 1000;
export const SNAPSHOT_DEFAULT_LIMIT = 100;

export const freshnessStateSchema = z.enum(['fresh', 'stale', 'revalidating', 'error']);
export type FreshnessState = z.infer<typeof freshnessStateSchema>;

export const servedFromSchema = z.enum(['cache', 'database', 'upstream']);
export type ServedFrom = z.infer<typeof servedFromSchema>;

/**
 * Paging and filters. Numbers are coerced so the same schema reads an HTTP query string.
 * `cursor` is opaque: pass back the `next` of the previous page.
 */
export const snapshotQueryFields = {
  limit: z.coerce.number().int().min(1).max(SNAPSHOT_MAX_LIMIT).default(SNAPSHOT_DEFAULT_LIMIT),
  cursor: z.string().min(1).max(2048).optional(),
  /** Only records whose key starts with this. */
  prefix: z.string().min(1).max(512).optional(),
  /** Only records whose `updatedField` is after this instant. */
  updatedSince: z.iso.datetime({ offset: true }).optional(),
  /** The record field `updatedSince` compares (an ISO date string or epoch milliseconds). */
  updatedField: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a field name (letters, digits, _)')
    .default('updatedAt'),
};

export const snapshotQuerySchema = z.object(snapshotQueryFields).strict();
export type SnapshotQuery = z.infer<typeof snapshotQuerySchema>;

export const snapshotRequestSchema = z.object({ tenant: tenantIdSchema, source: sourceIdSchema, ...snapshotQueryFields }).strict();
export type SnapshotRequest = z.infer<typeof snapshotRequestSchema>;
export type SnapshotRequestInput = z.input<typeof snapshotRequestSchema>;

export const snapshotMetaSchema = z.object({
  /**
   * Stream sequence the records reflect (0: no event applied yet). The same on every page of
   * one walk. Served from the cache it is exact; served from the database it is the stream's
   * position read before the records, so resuming after it misses nothing and may repeat
   * changes the records already show (content events carry whole records: applying one
   * again changes nothing).
   */
  seq: z.number().int().nonnegative(),
  /** Identity of the events stream `seq` counts in: a recreated stream has a new epoch and its sequences start over. */
  epoch: z.string().min(1).max(64),
  lastSyncedAt: z.iso.datetime({ offset: true }).nullable(),
  /** Milliseconds since lastSyncedAt; null when never synced. */
  ageMs: z.number().int().nonnegative().nullable(),
  staleAfterMs: z.number().int().positive(),
  state: freshnessStateSchema,
  servedFrom: servedFromSchema,
  /** Records in the source's view now. */
  count: z.number().int().nonnegative(),
});
export type SnapshotMeta = z.infer<typeof snapshotMetaSchema>;

export const snapshotPageSchema = z.object({
  records: z.array(z.object({ key: recordKeySchema, record: recordSchema })),
  /** Cursor of the next page; absent on the last one. */
  next: z.string().optional(),
  meta: snapshotMetaSchema,
});
export type SnapshotPage = z.infer<typeof snapshotPageSchema>;

export const snapshotReplySchema = z.discriminatedUnion('ok', [
  snapshotPageSchema.extend({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: rpcErrorSchema }),
]);
export type SnapshotReply = z.infer<typeof snapshotReplySchema>;
