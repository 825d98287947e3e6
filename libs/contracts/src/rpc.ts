// Internal request/reply payloads, shared by the service that answers and its callers.
import { z } from 'zod';
import { sourceIdSchema, tenantIdSchema } from './tokens';
import { sourceInfoSchema } from './sources/source-definition';
import { freshetEventSchema } from './events/freshet-event';
import { prioritySchema, syncModeSchema } from './commands/sync-command';
import { recordKeySchema, recordSchema } from './events/content-events';

export const getSourceRequestSchema = z.object({ tenant: tenantIdSchema, source: sourceIdSchema });
export type GetSourceRequest = z.infer<typeof getSourceRequestSchema>;

export const rpcErrorSchema = z.object({ code: z.string(), message: z.string() });

export const getSourceReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), source: sourceInfoSchema }),
  z.object({ ok: z.literal(false), error: rpcErrorSchema }),
]);
export type GetSourceReply = z.infer<typeof getSourceReplySchema>;

/** A page of a source's history (its events over a time range), for historical views. */
export const historyQuerySchema = z
  .object({
    tenant: tenantIdSchema,
    source: sourceIdSchema,
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    /** Event type prefixes, e.g. ["content."]. */
    types: z.array(z.string().regex(/^[a-z]+(\.[a-z]*)?$/, 'must be an event type or family prefix like "content."')).max(10).optional(),
    after: z.string().regex(/^\d{1,19}$/, 'must be a position from a previous page').optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: '"from" must be before "to"', path: ['to'] });
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

export const historyPageSchema = z.object({
  events: z.array(z.object({ position: z.string(), event: freshetEventSchema })),
  nextAfter: z.string().optional(),
});
export type HistoryPage = z.infer<typeof historyPageSchema>;

/** Ingest's answer to get-history: a page, or SOURCE_NOT_FOUND for a source the tenant does not have. */
export const getHistoryReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), page: historyPageSchema }),
  z.object({ ok: z.literal(false), error: rpcErrorSchema }),
]);
export type GetHistoryReply = z.infer<typeof getHistoryReplySchema>;

/** Ask the scheduler for a sync of a source; joins the job already queued or running. */
export const revalidateRequestSchema = z
  .object({
    tenant: tenantIdSchema,
    source: sourceIdSchema,
    priority: prioritySchema,
    mode: syncModeSchema.default('incremental'),
    reason: z.string().min(1).max(200),
    /**
     * The sync must start after this request (a manual refresh: "show me what is upstream
     * now"). A job already running may have read past a change made just before the
     * request, so instead of joining it the request gets its one follow-up job, queued when
     * the running one ends; every forced request meanwhile joins that follow-up.
     */
    force: z.boolean().optional(),
  })
  .strict();
export type RevalidateRequest = z.infer<typeof revalidateRequestSchema>;
export type RevalidateRequestInput = z.input<typeof revalidateRequestSchema>;

export const revalidateReplySchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    jobId: z.uuid(),
    /** True when the request joined a job already queued or running (single flight). */
    joined: z.boolean(),
    priority: prioritySchema,
    status: z.enum(['queued', 'running', 'retrying']),
  }),
  z.object({ ok: z.literal(false), error: rpcErrorSchema }),
]);
export type RevalidateReply = z.infer<typeof revalidateReplySchema>;

/**
 * Every source with what the scheduler needs to decide a background sync, paged by id;
 * with `tenant`, that tenant's sources only (the gateway's source list and overview).
 */
export const listSourcesRequestSchema = z
  .object({ tenant: tenantIdSchema.optional(), after: z.string().max(200).optional(), limit: z.number().int().min(1).max(1000).default(500) })
  .strict();
export type ListSourcesRequestInput = z.input<typeof listSourcesRequestSchema>;
export const listSourcesReplySchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    sources: z.array(
      z.object({
        tenant: tenantIdSchema,
        source: sourceIdSchema,
        lastSyncedAt: z.iso.datetime({ offset: true }).nullable(),
        minAgeMs: z.number().int().positive(),
        /** From the definition; optional only so older ingest replicas still parse. */
        staleAfterMs: z.number().int().positive().optional(),
        displayName: z.string().optional(),
        /** Set when the definition sets it; the scheduler applies the default (demand.ts). */
        watchedMinAgeMs: z.number().int().positive().optional(),
        backgroundPriority: prioritySchema.optional(),
      }),
    ),
    /** Pass as `after` for the next page; absent on the last one. */
    next: z.string().optional(),
  }),
  z.object({ ok: z.literal(false), error: rpcErrorSchema }),
]);
export type ListSourcesReply = z.infer<typeof listSourcesReplySchema>;

/**
 * A page of a source's current records straight from ingest's database, in byte order of
 * their keys (the order the cache's Redis index uses): the cache's fallback when Redis
 * cannot answer and its source for rebuilding a cold view.
 */
export const getRecordsRequestSchema = z
  .object({
    tenant: tenantIdSchema,
    source: sourceIdSchema,
    /** Keys after this one (exclusive, byte order): the `next` of the previous page. */
    after: recordKeySchema.optional(),
    /** Only keys starting with this. */
    prefix: z.string().min(1).max(512).optional(),
    limit: z.number().int().min(1).max(1000).default(1000),
  })
  .strict();
export type GetRecordsRequest = z.infer<typeof getRecordsRequestSchema>;
export type GetRecordsRequestInput = z.input<typeof getRecordsRequestSchema>;

export const getRecordsReplySchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    records: z.array(z.object({ key: recordKeySchema, record: recordSchema })),
    /** Pass as `after` for the next page; absent on the last one. */
    next: recordKeySchema.optional(),
    /** The source's last completed sync, read in the same transaction as the page. */
    lastSyncedAt: z.iso.datetime({ offset: true }).nullable(),
    /** How many records the source has (all of them, whatever the page and prefix), in the same transaction. */
    count: z.number().int().nonnegative(),
  }),
  z.object({ ok: z.literal(false), error: rpcErrorSchema }),
]);
export type GetRecordsReply = z.infer<typeof getRecordsReplySchema>;

/** Job statuses as the scheduler's ledger names them. */
export const jobStatusSchema = z.enum(['queued', 'running', 'retrying', 'completed', 'dead']);
export type JobStatusName = z.infer<typeof jobStatusSchema>;

/** Job counts of one tenant: by status (every status present), by priority (only those with jobs). */
export const tenantJobStatsSchema = z.object({
  byStatus: z.record(jobStatusSchema, z.number().int().nonnegative()),
  /** Priority ("0".."10") → jobs of any status at that priority. */
  byPriority: z.record(z.string().regex(/^\d{1,2}$/), z.number().int().nonnegative()),
  total: z.number().int().nonnegative(),
  /** Age of the oldest queued job; null when none is queued. */
  oldestQueuedAgeMs: z.number().int().nonnegative().nullable(),
});
export type TenantJobStats = z.infer<typeof tenantJobStatsSchema>;

/** A dead job (retries exhausted) with the error that ended it. */
export const deadJobSchema = z.object({
  jobId: z.uuid(),
  source: sourceIdSchema,
  priority: prioritySchema,
  mode: z.string(),
  reason: z.string(),
  attempts: z.number().int().nonnegative(),
  /** The last attempt's error as the worker reported it; null when none was recorded. */
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  queuedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type DeadJob = z.infer<typeof deadJobSchema>;

/** `scheduler.overview`: one tenant's job stats and its latest dead jobs (newest first). */
export const schedulerOverviewRequestSchema = z
  .object({ tenant: tenantIdSchema, deadLimit: z.number().int().min(1).max(100).default(20) })
  .strict();
export type SchedulerOverviewRequestInput = z.input<typeof schedulerOverviewRequestSchema>;

export const schedulerOverviewReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), jobs: tenantJobStatsSchema, deadJobs: z.array(deadJobSchema) }),
  z.object({ ok: z.literal(false), error: rpcErrorSchema }),
]);
export type SchedulerOverviewReply = z.infer<typeof schedulerOverviewReplySchema>;

/**
 * `scheduler.retry`: retry a dead job of the tenant (a new job, or the one already active
 * for its source). A job of another tenant is JOB_NOT_FOUND, exactly like one that does
 * not exist; a job that is not dead is JOB_NOT_DEAD.
 */
export const retryJobRequestSchema = z.object({ tenant: tenantIdSchema, jobId: z.uuid() }).strict();
export type RetryJobRequest = z.infer<typeof retryJobRequestSchema>;

export const retryJobReplySchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    retryOf: z.uuid(),
    jobId: z.uuid(),
    joined: z.boolean(),
    priority: prioritySchema,
    status: z.enum(['queued', 'running', 'retrying']),
  }),
  z.object({ ok: z.literal(false), error: rpcErrorSchema }),
]);
export type RetryJobReply = z.infer<typeof retryJobReplySchema>;
