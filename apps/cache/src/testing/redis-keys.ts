// The keys a spec finds or leaves on the shared Redis, walked with SCAN: KEYS would block
// the server that every other test run is using at the same time.
import type { Redis } from 'ioredis';

/** Every key matching `pattern` (a full key pattern: give the run's prefix), in SCAN order. */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/** Deletes every key matching `pattern` (a full key pattern: give the run's prefix). */
export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  const keys = await scanKeys(redis, pattern);
  if (keys.length > 0) await redis.del(...keys);
}
