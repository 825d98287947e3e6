// Jobs per upstream across replicas (real Redis): while one source's sync holds the only
// slot of its upstream, a job for another source on the same upstream is handed back —
// not an attempt — and runs once the slot is free.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createConcurrencyLimiter } from '@freshet/connectors';
import { createEventStoreDb, readStream } from '@freshet/event-store';
import { sourceDefinitionSchema, syncCommandSchema } from '@freshet/contracts';
import { createSchema, dropSchema, testNames, TEST_DATABASE_URL, TEST_REDIS_URL } from '@freshet/testkit';
import type { IngestDatabase } from '../db/ingest-tables';
import { migrateIngest } from '../db/migrate-ingest';
import { upsertSource } from '../sources/source-repository';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream';
import { createSyncCommandHandler } from './sync-command-handler';
import { jobStreamId } from './stream-ids';

const names = testNames('slots');
let db: Kysely<IngestDatabase>;
let upstream: FakeUpstream;
const redis = [new Redis(TEST_REDIS_URL), new Redis(TEST_REDIS_URL)] as const;
const ctx = { subject: 'x', streamSequence: 1, deliveryCount: 1, headers: {}, working: () => undefined };

const replica = (client: Redis) =>
  createSyncCommandHandler({
    db,
    logger: pino({ level: 'silent' }),
    retry: { maxAttempts: 3, baseDelayMs: 100 },
    upstreamSlots: { limiter: createConcurrencyLimiter({ redis: client, keyPrefix: names.redisKeyPrefix }), perUpstream: 1 },
  });
const command = (source: string) =>
  syncCommandSchema.parse({ type: 'sync.requested', commandId: randomUUID(), jobId: randomUUID(), tenant: 'acme', source, priority: 5, reason: 'test', requestedAt: new Date().toISOString() });

beforeAll(async () => {
  await createSchema(names.databaseSchema);
  db = createEventStoreDb<IngestDatabase>({ connectionString: TEST_DATABASE_URL, schema: names.databaseSchema });
  await migrateIngest(db, names.databaseSchema);
  upstream = await startFakeUpstream(10);
  for (const source of ['orders', 'invoices']) {
    await upsertSource(db, sourceDefinitionSchema.parse({ tenant: 'acme', source, connector: { type: 'http-paged-list', baseUrl: upstream.url, path: `/${source}`, upstreamId: 'erp' } }));
  }
});

afterAll(async () => {
  const keys = await redis[0].keys(`${names.redisKeyPrefix}*`);
  if (keys.length) await redis[0].del(...keys);
  redis.forEach((r) => r.disconnect());
  await upstream?.close();
  await db?.destroy();
  await dropSchema(names.databaseSchema);
});

describe('jobs per upstream', () => {
  it('hands a second job on the same upstream back while the first runs, then runs it', async () => {
    upstream.latencyMs = 400;
    const first = replica(redis[0])(command('orders'), ctx);
    await new Promise((r) => setTimeout(r, 100));
    const second = command('invoices');
    expect(await replica(redis[1])(second, ctx)).toEqual({ nak: 2_000 });
    expect((await readStream(db, jobStreamId(second.jobId))).events).toEqual([]); // not an attempt
    expect(await first).toEqual({ ack: true });
    upstream.latencyMs = 0;
    expect(await replica(redis[1])(second, ctx)).toEqual({ ack: true });
  });
});
