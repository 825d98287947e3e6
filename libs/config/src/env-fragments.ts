// Environment variables shared by several services, as zod shapes to spread into a
// service's own schema. Defaults point at the local development servers.
import { z } from 'zod';

const token = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'");
const port = z.coerce.number().int().min(0).max(65_535);

export const httpEnv = {
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
};

export function portEnv(defaultPort: number) {
  return { PORT: port.default(defaultPort) };
}

export const natsEnv = {
  NATS_URL: z.string().regex(/^(nats|tls|wss?):\/\//, 'must be a nats:// URL').default('nats://127.0.0.1:4222'),
  /** First token of every subject; tests use a unique one per run. */
  FRESHET_SUBJECT_PREFIX: token.default('freshet'),
  FRESHET_EVENTS_STREAM: token.default('FRESHET_EVENTS'),
  FRESHET_COMMANDS_STREAM: token.default('FRESHET_SYNC_COMMANDS'),
  /** How long JetStream keeps events; Postgres keeps them for ever. */
  FRESHET_EVENTS_MAX_AGE_HOURS: z.coerce.number().positive().default(24 * 7),
  /**
   * Replicas of every JetStream stream and KV bucket Freshet creates (num_replicas): 1 on a
   * single server, the cluster's size (3) on a cluster so a node can be down. Services bring
   * existing streams and buckets to it at start; JetStream allows at most 5.
   */
  FRESHET_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
};

export const postgresEnv = {
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/postgres'),
  /** Postgres schema holding Freshet's tables; tests use a unique one per run. */
  DATABASE_SCHEMA: token.default('freshet'),
  DATABASE_POOL_MAX: z.coerce.number().int().positive().default(10),
};

export const redisEnv = {
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().min(1).default('freshet:'),
};
