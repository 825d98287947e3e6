// Admin clear of a source's view, or of every view of a tenant, followed by cache.cleared.
// A cleared view is rebuilt only by later events (rebuild from the event store is a later
// increment): reads answer honestly with an empty view, never synced, state stale/revalidating.
import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Redis } from 'ioredis';
import { publishEvent } from '@freshet/bus';
import { TENANT_SCOPE_SOURCE } from '@freshet/contracts';
import { HttpProblem } from '@freshet/telemetry';
import { revalidationKey, sourceKeyBase, sourceKeyList, sourceKeys } from '../projection/keys';

export interface ClearResult {
  scope: 'source' | 'tenant';
  tenant: string;
  source?: string;
  /** How many Redis keys were deleted. */
  keysDeleted: number;
}

export interface ViewClearer {
  clearSource(tenant: string, source: string, reason: string): Promise<ClearResult>;
  clearTenant(tenant: string, reason: string): Promise<ClearResult>;
}

/** Escapes Redis glob characters, so a key prefix is matched literally by SCAN MATCH. */
function globEscape(value: string): string {
  return value.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

async function inRedis<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new HttpProblem(503, 'CACHE_UNAVAILABLE', 'the cache store (Redis) did not answer; try again shortly', undefined, { cause: error });
  }
}

export function createViewClearer(options: { redis: Redis; js: JetStreamClient; prefix: string }): ViewClearer {
  const { redis, js, prefix } = options;
  const keyPrefix = redis.options.keyPrefix ?? '';

  const published = async (tenant: string, source: string, scope: 'source' | 'tenant', reason: string) => {
    await publishEvent(js, prefix, { id: randomUUID(), type: 'cache.cleared', tenant, source, time: new Date().toISOString(), data: { scope, reason } });
  };

  return {
    async clearSource(tenant, source, reason) {
      const keysDeleted = await inRedis(() => redis.del(...sourceKeyList(sourceKeys(tenant, source)), revalidationKey(tenant, source)));
      await published(tenant, source, 'source', reason);
      return { scope: 'source', tenant, source, keysDeleted };
    },
    async clearTenant(tenant, reason) {
      // SCAN MATCH sees full key names (ioredis adds keyPrefix to commands' keys, not to
      // patterns or replies): match with the prefix, delete without it.
      const pattern = `${globEscape(keyPrefix + sourceKeyBase(tenant, ''))}*`;
      const keysDeleted = await inRedis(async () => {
        let cursor = '0';
        let deleted = 0;
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
          if (keys.length > 0) deleted += await redis.del(...keys.map((k) => k.slice(keyPrefix.length)));
          cursor = next;
        } while (cursor !== '0');
        return deleted;
      });
      await published(tenant, TENANT_SCOPE_SOURCE, 'tenant', reason);
      return { scope: 'tenant', tenant, keysDeleted };
    },
  };
}
