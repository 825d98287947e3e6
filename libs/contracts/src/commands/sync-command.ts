// The sync command: "sync this source now, at this priority". Published to the
// command work-queue stream on a subject per priority tier, consumed by ingest.
import { z } from 'zod';
import { sourceIdSchema, tenantIdSchema } from '../tokens';
import { traceContextSchema } from '../events/envelope';

/** 10 = a user is waiting, 5 = normal, 3 = background scan, 0 = bulk. */
export const prioritySchema = z.number().int().min(0).max(10);
export type Priority = z.infer<typeof prioritySchema>;

export const PRIORITY = { userWaiting: 10, normal: 5, background: 3, bulk: 0 } as const;

export const syncModeSchema = z.enum(['incremental', 'full']);
export type SyncMode = z.infer<typeof syncModeSchema>;

export const syncCommandSchema = z.object({
  type: z.literal('sync.requested'),
  /** Unique per command: the dedup key on the command stream. */
  commandId: z.uuid(),
  /** The job this command runs; retries of the same job keep it. */
  jobId: z.uuid(),
  tenant: tenantIdSchema,
  source: sourceIdSchema,
  priority: prioritySchema,
  mode: syncModeSchema.default('incremental'),
  reason: z.string().min(1).max(200),
  requestedAt: z.iso.datetime({ offset: true }),
  trace: traceContextSchema.optional(),
});
export type SyncCommand = z.infer<typeof syncCommandSchema>;
export type SyncCommandInput = z.input<typeof syncCommandSchema>;

/** Priority tiers map to command subjects so workers can take the urgent tier first. */
export const PRIORITY_TIERS = ['p10', 'p5', 'p3', 'p0'] as const;
export type PriorityTier = (typeof PRIORITY_TIERS)[number];

export function tierForPriority(priority: Priority): PriorityTier {
  if (priority >= 10) return 'p10';
  if (priority >= 5) return 'p5';
  if (priority >= 3) return 'p3';
  return 'p0';
}
