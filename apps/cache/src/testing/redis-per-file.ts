// Two Redis clients for a spec file, made before its tests and cleaned up after them:
// `redis` with the run's key prefix (as the cache uses Redis), `raw` without it (to see and
// delete the run's keys by their full names). Every key under the prefix is deleted at the end.
import { afterAll, beforeAll } from 'vitest';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from '@freshet/testkit';
import { deleteKeys } from './redis-keys';

export interface RedisPerFile {
  readonly redis: Redis;
  readonly raw: Redis;
}

export function redisPerFile(keyPrefix: string): RedisPerFile {
  let clients: { redis: Redis; raw: Redis } | undefined;
  const opened = () => {
    if (!clients) throw new Error('redisPerFile: the clients are made in beforeAll; use them inside tests');
    return clients;
  };
  beforeAll(() => {
    clients = { redis: new Redis(TEST_REDIS_URL, { keyPrefix }), raw: new Redis(TEST_REDIS_URL) };
  });
  afterAll(async () => {
    if (!clients) return;
    await deleteKeys(clients.raw, `${keyPrefix}*`);
    clients.redis.disconnect();
    clients.raw.disconnect();
  });
  return {
    get redis() {
      return opened().redis;
    },
    get raw() {
      return opened().raw;
    },
  };
}
