// The budget counter on the real Redis, shared by two replicas, per UTC day.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testNames, TEST_REDIS_URL } from '@freshet/testkit';
import { createRequestBudget } from './request-budget';

const names = testNames('budget');
const clients = [new Redis(TEST_REDIS_URL), new Redis(TEST_REDIS_URL)] as const;
let nowMs = Date.parse('2026-11-25T23:59:00Z');
const replicas = clients.map((redis) => createRequestBudget({ redis, keyPrefix: names.redisKeyPrefix, now: () => nowMs }));

afterAll(async () => {
  const keys = await clients[0].keys(`${names.redisKeyPrefix}*`);
  if (keys.length) await clients[0].del(...keys);
  clients.forEach((c) => c.disconnect());
});

describe('request budget', () => {
  it('counts requests of every replica against one daily budget, and starts again the next UTC day', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => replicas[i % 2]!.spend('esi')));
    expect(await replicas[0]!.status('esi', 100)).toMatchObject({ spent: 30, remaining: 70, resetAt: new Date('2026-11-26T00:00:00Z') });
    expect((await replicas[1]!.status('other', 100)).spent).toBe(0);
    nowMs += 120_000;
    expect(await replicas[1]!.status('esi', 100)).toMatchObject({ spent: 0, remaining: 100 });
    const ttl = await clients[0].pttl(`${names.redisKeyPrefix}budget:esi:2026-11-25`);
    expect(ttl).toBeGreaterThan(0);
  });
});
