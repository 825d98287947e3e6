// Ingest's configuration, parsed once at start.
import { z } from 'zod';
import { httpEnv, loadConfig, natsEnv, portEnv, postgresEnv, redisEnv } from '@freshet/config';

export const ingestConfigSchema = z.object({
  ...httpEnv,
  ...portEnv(4020),
  ...natsEnv,
  ...postgresEnv,
  /** Redis holds the upstream rate limits and pauses every ingest replica shares. */
  ...redisEnv,
  /**
   * Base name of the durable consumers on the sync-command stream, one per priority tier
   * (`<name>-p10`, `<name>-p5`, …), shared by every ingest replica. A consumer named exactly
   * this over every tier (what ingest used before tiers) is deleted at start.
   */
  INGEST_CONSUMER: z.string().regex(/^[A-Za-z0-9_-]+$/).default('ingest'),
  /** Attempts per sync job before it fails for good. */
  INGEST_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /** First retry delay; doubles per attempt. An upstream's Retry-After wins. */
  INGEST_RETRY_BASE_MS: z.coerce.number().int().positive().default(60_000),
  INGEST_ACK_WAIT_MS: z.coerce.number().int().positive().default(60_000),
  /** Sync jobs this replica runs at once, taken highest priority tier first. */
  INGEST_MAX_CONCURRENT_JOBS: z.coerce.number().int().positive().default(4),
  /** Jobs of one source this replica runs at once; the source lock makes it one across replicas anyway. */
  INGEST_MAX_CONCURRENT_PER_SOURCE: z.coerce.number().int().positive().default(1),
  /**
   * Deliveries of one command before the server stops delivering it: a backstop only.
   * Attempts are counted from the job's events (INGEST_MAX_ATTEMPTS, crashed ones included);
   * deliveries also count every hand-back while the source was busy (1 s apart in this
   * replica, 5 s while another holds the lock) and redeliveries while Postgres is down.
   */
  INGEST_MAX_DELIVER: z.coerce.number().int().min(2).default(1_000),
  /** Sync jobs per upstream at once, across every replica (a Redis lease per slot). */
  INGEST_MAX_CONCURRENT_PER_UPSTREAM: z.coerce.number().int().min(1).max(100).default(2),
  /** A YAML or JSON file of source definitions, applied at start (all or nothing). */
  INGEST_SOURCES_FILE: z.string().min(1).optional(),
  /** Directory of secret files (one per secretRef, e.g. /run/secrets); secrets may also come from env. */
  INGEST_SECRETS_DIR: z.string().min(1).optional(),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(250),
});

export type IngestConfig = z.infer<typeof ingestConfigSchema>;

export function loadIngestConfig(env?: Record<string, string | undefined>): Readonly<IngestConfig> {
  return loadConfig('ingest', ingestConfigSchema, env);
}
