// How far a source's view in Redis has got: the stream sequence of the last event it
// applied, read from its meta hash (0 while it has none), for waiting until it has caught up.
import type { Redis } from 'ioredis';

/** `raw` is a client without a key prefix; `keyPrefix` is the run's REDIS_KEY_PREFIX. */
export async function viewSeq(raw: Redis, keyPrefix: string, tenant: string, source: string): Promise<number> {
  return Number(await raw.hget(`${keyPrefix}src:{${tenant}}:${source}:meta`, 'seq'));
}
