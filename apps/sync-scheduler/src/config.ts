// The scheduler's configuration, parsed once at start.
import { hostname } from 'node:os';
import { z } from 'zod';
import { httpEnv, loadConfig, natsEnv, portEnv, postgresEnv } from '@freshet/config';

export const schedulerConfigSchema = z.object({
  ...httpEnv,
  ...portEnv(4030),
  ...natsEnv,
  ...postgresEnv,
  /** How often the leader scans for sources due a background sync (default 10 min). */
  SCHEDULER_SCAN_INTERVAL_MS: z.coerce.number().int().min(1_000).default(600_000),
  SCHEDULER_SCAN_ENABLED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Between scans, how often the leader looks for watched sources (demand signal) and scans if any (default 15 s; 0: never). */
  SCHEDULER_DEMAND_SCAN_INTERVAL_MS: z.coerce.number().int().refine((ms) => ms === 0 || ms >= 1_000, 'must be 0 (off) or at least 1000').default(15_000),
  /**
   * Dead-job backoff of the background scan (decision 0008): a source whose jobs died since
   * it last synced waits max(minAge, this) after the latest death, doubling per death
   * (default 15 min). Refreshes and stale reads are never held back.
   */
  SCHEDULER_DEAD_BACKOFF_MS: z.coerce.number().int().min(0).default(900_000),
  /** The dead-job backoff stops doubling here, unless a source's minAge is longer (default 24 h). */
  SCHEDULER_DEAD_BACKOFF_MAX_MS: z.coerce.number().int().min(60_000).default(86_400_000),
  /** Finished jobs are removed from the ledger after this many days (default 7). */
  SCHEDULER_JOB_RETENTION_DAYS: z.coerce.number().positive().default(7),
  SCHEDULER_CLEANUP_INTERVAL_MS: z.coerce.number().int().min(1_000).default(3_600_000),
  /** How often queued jobs whose command did not go out are sent again. */
  SCHEDULER_DISPATCH_SWEEP_MS: z.coerce.number().int().min(100).default(5_000),
  /** An active job nothing was heard of for this long has its command sent again. */
  SCHEDULER_STALE_JOB_MS: z.coerce.number().int().min(1_000).default(900_000),
  SCHEDULER_RPC_TIMEOUT_MS: z.coerce.number().int().positive().default(2_000),
  /** Names this replica in the status API and logs. */
  SCHEDULER_INSTANCE_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
  /** Durable consumer of job.* events that keeps the ledger. */
  SCHEDULER_LEDGER_CONSUMER: z.string().regex(/^[A-Za-z0-9_-]+$/).default('scheduler-ledger'),
});
export type SchedulerConfig = z.infer<typeof schedulerConfigSchema>;

export function loadSchedulerConfig(env?: Record<string, string | undefined>): Readonly<SchedulerConfig> {
  return loadConfig('sync-scheduler', schedulerConfigSchema, env);
}
