// Slots per upstream on the real Redis, shared by two replicas; a dead holder's slot
// frees itself when its lease runs out.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testNames, TEST_REDIS_URL } from '@freshet/testkit';
import { createConcurrencyLimiter } from './concurrency-limiter';

const names = testNames('slots');
const clients = [new Redis(TEST_REDIS_URL), new Redis(TEST_REDIS_URL)] as const;
const [a, b] = clients.map((redis) => createConcurrencyLimiter({ redis, keyPrefix: names.redisKeyPrefix, leaseMs: 300 })) as [
  ReturnType<typeof createConcurrencyLimiter>,
  ReturnType<typeof createConcurrencyLimiter>,
];

afterAll(async () => {
  const keys = await clients[0].keys(`${names.redisKeyPrefix}*`);
  if (keys.length) await clients[0].del(...keys);
  clients.forEach((c) => c.disconnect());
});

describe('concurrency limiter', () => {
  it('grants at most the limit across replicas, and frees a slot on release', async () => {
    const grants = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).tryAcquire('esi', 2)));
    const held = grants.filter((g) => g !== undefined);
    expect(held).toHaveLength(2);
    expect(await a.inUse('esi')).toBe(2);
    await held[0]!.release();
    expect(await b.tryAcquire('esi', 2)).toBeDefined();
    expect(await a.tryAcquire('other', 2)).toBeDefined();
  });

  it('lets a renewed lease live and an abandoned one expire', async () => {
    const kept = await a.tryAcquire('shop', 2);
    await b.tryAcquire('shop', 2); // its holder "dies": never renewed
    expect(await a.tryAcquire('shop', 2)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 200));
    await kept!.renew();
    await new Promise((r) => setTimeout(r, 200));
    expect(await a.inUse('shop')).toBe(1);
    expect(await b.tryAcquire('shop', 2)).toBeDefined();
  });
});
