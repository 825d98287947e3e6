// At most N jobs per upstream at once across every ingest replica: a Redis sorted set of
// leases per key (member = lease token, score = expiry). A replica that dies stops
// renewing, its lease expires, and the slot frees itself.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0`;

export interface ConcurrencyLease {
  renew(): Promise<void>;
  release(): Promise<void>;
}

export interface ConcurrencyLimiter {
  /** A lease on one of `limit` slots for `key`, or undefined when all are taken. */
  tryAcquire(key: string, limit: number): Promise<ConcurrencyLease | undefined>;
  inUse(key: string): Promise<number>;
}

export function createConcurrencyLimiter(options: { redis: Redis; keyPrefix: string; leaseMs?: number; now?: () => number }): ConcurrencyLimiter {
  const leaseMs = options.leaseMs ?? 60_000;
  const now = options.now ?? Date.now;
  const keyOf = (key: string) => `${options.keyPrefix}slots:${encodeURIComponent(key)}`;
  return {
    async tryAcquire(key, limit) {
      const redisKey = keyOf(key);
      const token = randomUUID();
      const at = now();
      const granted = await options.redis.eval(ACQUIRE, 1, redisKey, String(at), String(limit), String(at + leaseMs), token, String(leaseMs * 2));
      if (granted !== 1) return undefined;
      return {
        renew: async () => {
          await options.redis.zadd(redisKey, 'XX', now() + leaseMs, token);
          await options.redis.pexpire(redisKey, leaseMs * 2);
        },
        release: async () => {
          await options.redis.zrem(redisKey, token);
        },
      };
    },
    async inUse(key) {
      return options.redis.zcount(keyOf(key), now(), '+inf');
    },
  };
}
