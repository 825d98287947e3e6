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
  /** Durable consumer name on the sync-command stream, shared by every ingest replica. */
  INGEST_CONSUMER: z.string().regex(/^[A-Za-z0-9_-]+$/).default('ingest'),
  /** Attempts per sync job before it fails for good. */
  INGEST_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /** First retry delay; doubles per attempt. An upstream's Retry-After wins. */
  INGEST_RETRY_BASE_MS: z.coerce.number().int().positive().default(60_000),
  INGEST_ACK_WAIT_MS: z.coerce.number().int().positive().default(60_000),
  INGEST_MAX_CONCURRENT_JOBS: z.coerce.number().int().positive().default(4),
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
