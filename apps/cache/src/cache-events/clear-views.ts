// Admin clear of a source's view, or of every view of a tenant, followed by cache.cleared.
// A cleared view keeps one field: its meta says `generation: cleared`, so it is partial —
// the projection does not take it for a new, complete view — and the next read is served
// from the database while the view is rebuilt from it. The expiry sweeper drops a view the
// same way (dropSourceView), with the tombstone `expired`.
import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Redis } from 'ioredis';
import { publishEvent } from '@freshet/bus';
import { TENANT_SCOPE_SOURCE } from '@freshet/contracts';
import { HttpProblem } from '@freshet/telemetry';
import { rebuildClaimKey, rebuildSeenKey, revalidationKey, sourceKeyBase, sourceKeyList, sourceKeys } from '../projection/keys';

/** What a cleared view's meta holds: no generation's id, so the view is partial until rebuilt. */
export const CLEARED = 'cleared';
/** What the meta of a view dropped by its source's cacheTtlMs holds (partial until rebuilt, like CLEARED). */
export const EXPIRED = 'expired';

/**
 * Deletes every key of a source's view (records, index, versions, meta, revalidation and
 * rebuild markers; not the source's `:info`) and leaves its meta as the tombstone
 * `generation: <tombstone>`, in one transaction. Answers how many keys were deleted.
 * A rebuild running meanwhile sees its mark gone and stops.
 */
export async function dropSourceView(redis: Redis, tenant: string, source: string, tombstone: typeof CLEARED | typeof EXPIRED): Promise<number> {
  const keys = sourceKeys(tenant, source);
  const replies = await redis
    .multi()
    .del(...sourceKeyList(keys), revalidationKey(tenant, source), rebuildClaimKey(tenant, source), rebuildSeenKey(tenant, source))
    .hset(keys.meta, 'generation', tombstone)
    .exec();
  const [error, deleted] = replies?.[0] ?? [new Error('transaction discarded'), 0];
  if (error) throw error;
  return deleted as number;
}

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
      const keysDeleted = await inRedis(() => dropSourceView(redis, tenant, source, CLEARED));
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
          if (keys.length > 0) {
            const names = keys.map((k) => k.slice(keyPrefix.length));
            const transaction = redis.multi().del(...names);
            for (const meta of names.filter((name) => name.endsWith(':meta'))) transaction.hset(meta, 'generation', CLEARED);
            const replies = await transaction.exec();
            const [error, count] = replies?.[0] ?? [new Error('transaction discarded'), 0];
            if (error) throw error;
            deleted += count as number;
          }
          cursor = next;
        } while (cursor !== '0');
        return deleted;
      });
      await published(tenant, TENANT_SCOPE_SOURCE, 'tenant', reason);
      return { scope: 'tenant', tenant, keysDeleted };
    },
  };
}
