// The gateway's public REST API: path parameters, query strings, bodies and answers. The
// gateway validates requests and serializes answers with these schemas, and its OpenAPI
// document (/docs/json) is generated from them, so the documentation cannot drift from
// what is served. Query strings arrive as strings: numbers are coerced here.
import { z } from 'zod';
import { sourceIdSchema, tenantIdSchema } from '../tokens';
import { PRIORITY, prioritySchema, syncModeSchema } from '../commands/sync-command';
import { deadJobSchema, historyPageSchema, jobStatusSchema } from '../rpc';
import { freshnessStateSchema, snapshotPageSchema, snapshotQueryFields } from '../cache/snapshot';
import { streamPositionTextSchema } from '../stream-position';
import { cacheReadStatsSchema } from './cache-admin-rpc';

/** Every 4xx/5xx answer: a stable machine-readable code, a message for people, and sometimes details (e.g. each invalid field). */
export const errorBodySchema = z
  .object({
    error: z.string().describe('stable machine-readable code, e.g. SOURCE_NOT_FOUND'),
    message: z.string(),
    details: z.unknown().optional(),
  })
  .meta({ id: 'Error', description: 'Every 4xx/5xx answer of the public API' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const tenantParamsSchema = z.object({ tenant: tenantIdSchema });
export const sourceParamsSchema = z.object({ tenant: tenantIdSchema, source: sourceIdSchema });
export const jobParamsSchema = z.object({ tenant: tenantIdSchema, jobId: z.uuid() });

// --- snapshot -------------------------------------------------------------------------

/** `?limit&cursor&prefix&updatedSince&updatedField` — the cache's snapshot query; unknown parameters are refused. */
export const snapshotHttpQuerySchema = z.object(snapshotQueryFields).strict();

export const snapshotResponseSchema = snapshotPageSchema.extend({
  /**
   * `<epoch>:<seq>` of `meta`: the stream position the records reflect. Open the stream with
   * `Last-Event-ID: <position>` and every change after this page arrives, none missed.
   */
  position: streamPositionTextSchema,
});
export type SnapshotResponse = z.infer<typeof snapshotResponseSchema>;

type SnapshotRecordEntry = SnapshotResponse['records'][number];

/** One entry of a snapshot page as recordKeySchema and recordSchema demand it, in one pass. */
export function isSnapshotRecord(value: unknown): value is SnapshotRecordEntry {
  if (typeof value !== 'object' || value === null) return false;
  const { key, record } = value as { key?: unknown; record?: unknown };
  return typeof key === 'string' && key.length >= 1 && key.length <= 512 && typeof record === 'object' && record !== null && !Array.isArray(record);
}

/**
 * snapshotResponseSchema with its records checked by one loop (isSnapshotRecord) instead
 * of a schema walk of every field: the same answers, for clients that read thousands of
 * records in a browser — there zod cannot compile its checks (the page's CSP forbids
 * eval), and the walk took ~90 ms of a 1,000-record dashboard's first render.
 */
export const snapshotResponseFastSchema = snapshotResponseSchema.extend({
  records: z.custom<SnapshotRecordEntry[]>((value) => Array.isArray(value) && value.every(isSnapshotRecord), {
    message: 'records must be a list of {key (1-512 characters), record (an object)}',
  }),
});

// --- history --------------------------------------------------------------------------

const eventTypePrefix = z.string().regex(/^[a-z]+(\.[a-z]*)?$/, 'must be an event type or family prefix like "content."');

/** `?from&to&types&after&limit` — `types` repeated or comma-separated (`types=content.,job.dead`). */
export const historyHttpQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    types: z
      .union([z.string(), z.array(z.string())])
      .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== ''))
      .pipe(z.array(eventTypePrefix).min(1).max(10))
      .optional(),
    /** `nextAfter` of the previous page. */
    after: z.string().regex(/^\d{1,19}$/, 'must be the nextAfter of a previous page').optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: '"from" must be before "to"', path: ['to'] });

/** Events oldest first, each with its position in the event store; `nextAfter` pages on. */
export const historyResponseSchema = historyPageSchema;

// --- sources --------------------------------------------------------------------------

export const sourcesHttpQuerySchema = z
  .object({
    /** The `next` of the previous page. */
    after: sourceIdSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const tenantSourceSchema = z.object({
  source: sourceIdSchema,
  displayName: z.string().optional(),
  /** The last completed sync, as ingest recorded it. */
  lastSyncedAt: z.iso.datetime({ offset: true }).nullable(),
  /** Data older than this is stale (absent only while an older ingest does not say). */
  staleAfterMs: z.number().int().positive().optional(),
});
export type TenantSource = z.infer<typeof tenantSourceSchema>;

export const sourcesResponseSchema = z.object({
  sources: z.array(tenantSourceSchema),
  /** Pass as `after` for the next page; absent on the last one. */
  next: sourceIdSchema.optional(),
});
export type SourcesResponse = z.infer<typeof sourcesResponseSchema>;

// --- refresh and retry ----------------------------------------------------------------

const refreshOptionsSchema = z
  .object({ priority: prioritySchema.default(PRIORITY.userWaiting), mode: syncModeSchema.default('incremental') })
  .strict();

/** Optional body `{priority?, mode?}`: absent (HTTP gives null) or partial, the defaults apply (a user is waiting, incremental). */
export const refreshBodySchema = refreshOptionsSchema.nullish().transform((body) => body ?? refreshOptionsSchema.parse({}));

const activeJobStatusSchema = z.enum(['queued', 'running', 'retrying']);

export const refreshResponseSchema = z.object({
  jobId: z.uuid(),
  /** True when the refresh joined a job already queued for the source, or the follow-up another refresh got while a sync ran. */
  joined: z.boolean(),
  priority: prioritySchema,
  status: activeJobStatusSchema,
});
export type RefreshResponse = z.infer<typeof refreshResponseSchema>;

export const retryResponseSchema = z.object({
  /** The dead job retried. */
  retryOf: z.uuid(),
  /** The job that runs the retry (a new one, or the one already active for the source). */
  jobId: z.uuid(),
  joined: z.boolean(),
  priority: prioritySchema,
  status: activeJobStatusSchema,
});
export type RetryResponse = z.infer<typeof retryResponseSchema>;

// --- overview -------------------------------------------------------------------------

/** Sources the overview covers at most (one page of ingest's list); beyond, `sourcesTruncated`. */
export const OVERVIEW_MAX_SOURCES = 1000;

export const overviewSourceSchema = z.object({
  source: sourceIdSchema,
  displayName: z.string().optional(),
  lastSyncedAt: z.iso.datetime({ offset: true }).nullable(),
  ageMs: z.number().int().nonnegative().nullable(),
  /** From the cache's view when it answered; else fresh/stale from ingest's lastSyncedAt. */
  state: freshnessStateSchema,
  staleAfterMs: z.number().int().positive().nullable(),
  /** Why the last revalidation failed, while `state` is `error`. */
  error: z.string().optional(),
  /** The cache's view: stream sequence it reflects and records it holds (absent when the cache did not answer). */
  seq: z.number().int().nonnegative().optional(),
  count: z.number().int().nonnegative().optional(),
});
export type OverviewSource = z.infer<typeof overviewSourceSchema>;

export const OVERVIEW_PARTS = ['jobs', 'sources', 'freshness', 'cache'] as const;

export const tenantOverviewSchema = z.object({
  /**
   * `<epoch>:<seq>` read before anything else: every part reflects at least the events up
   * to it. Open the admin channel with `Last-Event-ID: <position>` and apply what follows.
   */
  position: streamPositionTextSchema,
  /** null when the scheduler did not answer (see `unavailable`). */
  jobs: z
    .object({
      byStatus: z.record(jobStatusSchema, z.number().int().nonnegative()),
      byPriority: z.record(z.string(), z.number().int().nonnegative()),
      total: z.number().int().nonnegative(),
      oldestQueuedAgeMs: z.number().int().nonnegative().nullable(),
    })
    .nullable(),
  /** The latest dead jobs, newest first; null when the scheduler did not answer. */
  deadJobs: z.array(deadJobSchema).nullable(),
  /** Snapshot reads of the tenant since the counters began; null when the cache did not answer. */
  cache: cacheReadStatsSchema.nullable(),
  /** null when ingest did not answer. */
  sources: z.array(overviewSourceSchema).nullable(),
  /** True when the tenant has more than OVERVIEW_MAX_SOURCES sources (only the first are listed). */
  sourcesTruncated: z.boolean(),
  /** The parts that could not be read; the rest of the overview is still served. */
  unavailable: z.array(z.object({ part: z.enum(OVERVIEW_PARTS), error: z.string(), message: z.string() })),
});
export type TenantOverview = z.infer<typeof tenantOverviewSchema>;
