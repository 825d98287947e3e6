// A daily request budget on the real Redis: once only the reserve is left, background
// jobs wait (no attempt recorded, the command comes back later) while a job a user is
// waiting for still runs — and every request it makes is counted.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createRequestBudget } from '@freshet/connectors';
import { createEventStoreDb, readStream } from '@freshet/event-store';
import { sourceDefinitionSchema, syncCommandSchema } from '@freshet/contracts';
import { createSchema, dropSchema, testNames, TEST_DATABASE_URL, TEST_REDIS_URL } from '@freshet/testkit';
import type { IngestDatabase } from '../db/ingest-tables';
import { migrateIngest } from '../db/migrate-ingest';
import { upsertSource } from '../sources/source-repository';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream';
import { createSyncCommandHandler } from './sync-command-handler';
import { jobStreamId } from './stream-ids';

const names = testNames('budget');
let db: Kysely<IngestDatabase>;
let upstream: FakeUpstream;
const redis = new Redis(TEST_REDIS_URL);
const budget = createRequestBudget({ redis, keyPrefix: names.redisKeyPrefix });
const ctx = { subject: 'x', streamSequence: 1, deliveryCount: 1, headers: {}, working: () => undefined };

const handler = () => createSyncCommandHandler({ db, logger: pino({ level: 'silent' }), retry: { maxAttempts: 3, baseDelayMs: 100 }, budget });
const command = (priority: number) =>
  syncCommandSchema.parse({
    type: 'sync.requested',
    commandId: randomUUID(),
    jobId: randomUUID(),
    tenant: 'acme',
    source: 'paid',
    priority,
    reason: 'test',
    requestedAt: new Date().toISOString(),
  });

beforeAll(async () => {
  await createSchema(names.databaseSchema);
  db = createEventStoreDb<IngestDatabase>({ connectionString: TEST_DATABASE_URL, schema: names.databaseSchema });
  await migrateIngest(db, names.databaseSchema);
  upstream = await startFakeUpstream(10);
  await upsertSource(
    db,
    sourceDefinitionSchema.parse({
      tenant: 'acme',
      source: 'paid',
      connector: { type: 'http-paged-list', baseUrl: upstream.url, path: '/items', upstreamId: 'paid-api', dailyBudget: { requests: 10, reserveShare: 0.5 } },
    }),
  );
});

afterAll(async () => {
  const keys = await redis.keys(`${names.redisKeyPrefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await upstream?.close();
  await db?.destroy();
  await dropSchema(names.databaseSchema);
});

describe('daily request budget', () => {
  it('counts requests, then holds background jobs at the reserve while users still get data', async () => {
    for (let i = 0; i < 5; i += 1) expect(await handler()(command(3), ctx)).toEqual({ ack: true });
    expect(await budget.status('paid-api', 10)).toMatchObject({ spent: 5, remaining: 5 });

    const requestsBefore = upstream.requests;
    const background = command(3);
    const waited = await handler()(background, ctx);
    expect(waited).toMatchObject({ nak: expect.any(Number) });
    expect((waited as { nak: number }).nak).toBeLessThanOrEqual(15 * 60_000);
    expect((await readStream(db, jobStreamId(background.jobId))).events).toEqual([]); // not an attempt
    expect(upstream.requests).toBe(requestsBefore);

    expect(await handler()(command(10), ctx)).toEqual({ ack: true });
    expect(upstream.requests).toBe(requestsBefore + 1);
    expect((await budget.status('paid-api', 10)).spent).toBe(6);
  });
});
