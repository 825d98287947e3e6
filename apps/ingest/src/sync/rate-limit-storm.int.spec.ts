// A 429 storm seen by two ingest replicas: the first replica's 429 pauses the upstream
// for everyone (shared through the real Redis), the job is retried after Retry-After,
// and no replica sends a request while the pause lasts. Nothing is written meanwhile.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createUpstreamGuard, guardGate } from '@freshet/connectors';
import { createEventStoreDb, readStreamVersion } from '@freshet/event-store';
import { sourceDefinitionSchema, syncCommandSchema } from '@freshet/contracts';
import { createSchema, dropSchema, testNames, TEST_DATABASE_URL, TEST_REDIS_URL } from '@freshet/testkit';
import type { IngestDatabase } from '../db/ingest-tables';
import { migrateIngest } from '../db/migrate-ingest';
import { upsertSource } from '../sources/source-repository';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream';
import { createSyncCommandHandler } from './sync-command-handler';
import { contentStreamId } from './stream-ids';

const names = testNames('storm');
const logger = pino({ level: 'silent' });
let db: Kysely<IngestDatabase>;
let upstream: FakeUpstream;
const redisClients: Redis[] = [];

function replica() {
  const redis = new Redis(TEST_REDIS_URL);
  redisClients.push(redis);
  const gate = guardGate(createUpstreamGuard({ redis, keyPrefix: `${names.redisKeyPrefix}limits:`, logger }));
  return createSyncCommandHandler({ db, logger, retry: { maxAttempts: 3, baseDelayMs: 100 }, gate });
}

const command = () =>
  syncCommandSchema.parse({
    type: 'sync.requested',
    commandId: randomUUID(),
    jobId: randomUUID(),
    tenant: 'acme',
    source: 'storm',
    priority: 10,
    reason: 'test',
    requestedAt: new Date().toISOString(),
  });
const ctx = { subject: 'x', streamSequence: 1, deliveryCount: 1, headers: {}, working: () => undefined };

beforeAll(async () => {
  await createSchema(names.databaseSchema);
  db = createEventStoreDb<IngestDatabase>({ connectionString: TEST_DATABASE_URL, schema: names.databaseSchema });
  await migrateIngest(db, names.databaseSchema);
  upstream = await startFakeUpstream(20);
  await upsertSource(db, sourceDefinitionSchema.parse({ tenant: 'acme', source: 'storm', connector: { type: 'http-paged-list', baseUrl: upstream.url, path: '/items' } }));
});

afterAll(async () => {
  const keys = await redisClients[0]?.keys(`${names.redisKeyPrefix}*`);
  if (keys?.length) await redisClients[0]?.del(...keys);
  redisClients.forEach((r) => r.disconnect());
  await upstream?.close();
  await db?.destroy();
  await dropSchema(names.databaseSchema);
});

describe('a 429 storm across replicas', () => {
  it('pauses the upstream for every replica until Retry-After, then syncs', async () => {
    const [a, b] = [replica(), replica()];
    upstream.fault = 'rate-limited';
    upstream.retryAfterSeconds = 2;

    const first = await a(command(), ctx);
    const pausedAt = Date.now();
    expect(first).toMatchObject({ nak: expect.any(Number) });
    expect((first as { nak: number }).nak).toBeGreaterThanOrEqual(2000); // Retry-After wins over the 100 ms backoff
    expect(await readStreamVersion(db, contentStreamId('acme', 'storm'))).toBe(0);

    // The upstream recovers, but replica B must still wait out the pause A learned of.
    upstream.fault = 'none';
    const requestsBefore = upstream.requests;
    const second = await b(command(), ctx);
    expect(second).toEqual({ ack: true });
    const firstRequestOfB = upstream.requestTimes[requestsBefore]!;
    expect(firstRequestOfB - pausedAt).toBeGreaterThanOrEqual(1_500);
    expect(await readStreamVersion(db, contentStreamId('acme', 'storm'))).toBe(20);
  });
});
