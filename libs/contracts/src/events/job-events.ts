// job.* — the life of one sync job, from queued to completed or failed.
import { z } from 'zod';
import { envelopeFields } from './envelope';
import { prioritySchema, syncModeSchema } from '../commands/sync-command';

export const jobErrorSchema = z.object({
  /** Stable machine-readable code, e.g. UPSTREAM_HTTP_ERROR, INVALID_UPSTREAM_PAGE. */
  code: z.string().min(1),
  message: z.string(),
  retryable: z.boolean(),
});
export type JobError = z.infer<typeof jobErrorSchema>;

export const jobStatsSchema = z.object({
  pages: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
  notModified: z.number().int().nonnegative(),
  created: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  deleted: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  /** Records skipped as invalid, where the source's policy says skip. */
  skipped: z.number().int().nonnegative().default(0),
  /** Requests an incremental strategy avoided compared with a full listing, when known. */
  savedRequests: z.number().int().nonnegative().default(0),
  durationMs: z.number().nonnegative(),
});
export type JobStats = z.infer<typeof jobStatsSchema>;

export const jobQueuedSchema = z.object({
  ...envelopeFields,
  type: z.literal('job.queued'),
  data: z.object({ jobId: z.uuid(), priority: prioritySchema, mode: syncModeSchema, reason: z.string() }),
});

export const jobStartedSchema = z.object({
  ...envelopeFields,
  type: z.literal('job.started'),
  data: z.object({ jobId: z.uuid(), attempt: z.number().int().positive(), priority: prioritySchema }),
});

export const jobCompletedSchema = z.object({
  ...envelopeFields,
  type: z.literal('job.completed'),
  data: z.object({
    jobId: z.uuid(),
    attempt: z.number().int().positive(),
    stats: jobStatsSchema,
    /** The incremental strategy that ran, and what it had to say (e.g. a fallback to a full sync). */
    strategy: z.string().optional(),
    notes: z.array(z.string()).default([]),
  }),
});

export const jobFailedSchema = z.object({
  ...envelopeFields,
  type: z.literal('job.failed'),
  data: z.object({
    jobId: z.uuid(),
    attempt: z.number().int().positive(),
    error: jobErrorSchema,
    /** True when the job will be attempted again; false when this failure is final. */
    willRetry: z.boolean(),
  }),
});

/** The scheduler gave up on a job: its last failure was final. */
export const jobDeadSchema = z.object({
  ...envelopeFields,
  type: z.literal('job.dead'),
  data: z.object({ jobId: z.uuid(), attempts: z.number().int().nonnegative(), error: jobErrorSchema }),
});

export type JobQueued = z.infer<typeof jobQueuedSchema>;
export type JobDead = z.infer<typeof jobDeadSchema>;
export type JobStarted = z.infer<typeof jobStartedSchema>;
export type JobCompleted = z.infer<typeof jobCompletedSchema>;
export type JobFailed = z.infer<typeof jobFailedSchema>;
