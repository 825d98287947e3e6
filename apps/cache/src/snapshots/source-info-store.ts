// Keeps each source's definition (as ingest last described it) in Redis next to its view,
// for reads while ingest cannot answer. Refreshed on every successful lookup; expires
// after a week without one, so a deleted source does not linger.
import type { Redis } from 'ioredis';
import { sourceInfoSchema } from '@freshet/contracts';
import { sourceInfoKey } from '../projection/keys';
import type { SourceInfoStore } from './source-directory';

const KEEP_MS = 7 * 24 * 3_600_000;

export function createRedisSourceInfoStore(redis: Redis): SourceInfoStore {
  return {
    async load(tenant, source) {
      const text = await redis.get(sourceInfoKey(tenant, source));
      if (text === null) return undefined;
      const parsed = sourceInfoSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    },
    async save(tenant, source, info) {
      await redis.set(sourceInfoKey(tenant, source), JSON.stringify(info), 'PX', KEEP_MS);
    },
  };
}
