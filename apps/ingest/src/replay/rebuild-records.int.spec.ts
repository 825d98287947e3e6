// Replay: rebuilding the records projection from the event log gives exactly the
// projection the live syncs built.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { createEventStoreDb } from '@freshet/event-store';
import { sourceDefinitionSchema, syncCommandSchema } from '@freshet/contracts';
import { createSchema, dropSchema, testNames, TEST_DATABASE_URL } from '@freshet/testkit';
import type { IngestDatabase } from '../db/ingest-tables';
import { migrateIngest } from '../db/migrate-ingest';
import { upsertSource } from '../sources/source-repository';
import { createSyncCommandHandler } from '../sync/sync-command-handler';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream';
import { rebuildRecords } from './rebuild-records';

const names = testNames('replay');
let db: Kysely<IngestDatabase>;
let upstream: FakeUpstream;

async function sync(): Promise<void> {
  const handler = createSyncCommandHandler({ db, logger: pino({ level: 'silent' }), retry: { maxAttempts: 1, baseDelayMs: 1 } });
  const command = syncCommandSchema.parse({
    type: 'sync.requested',
    commandId: randomUUID(),
    jobId: randomUUID(),
    tenant: 'acme',
    source: 'products',
    priority: 5,
    reason: 'test',
    requestedAt: new Date().toISOString(),
  });
  expect(await handler(command, { subject: 'x', streamSequence: 1, deliveryCount: 1, headers: {}, working: () => undefined })).toEqual({ ack: true });
}

async function projection() {
  return db.selectFrom('records').select(['key', 'hash', 'data']).where('tenant', '=', 'acme').where('source', '=', 'products').orderBy('key').execute();
}

beforeAll(async () => {
  await createSchema(names.databaseSchema);
  db = createEventStoreDb<IngestDatabase>({ connectionString: TEST_DATABASE_URL, schema: names.databaseSchema });
  await migrateIngest(db, names.databaseSchema);
  upstream = await startFakeUpstream(130);
  await upsertSource(db, sourceDefinitionSchema.parse({ tenant: 'acme', source: 'products', connector: { type: 'http-paged-list', baseUrl: upstream.url, path: '/items' } }));
});

afterAll(async () => {
  await upstream?.close();
  await db?.destroy();
  await dropSchema(names.databaseSchema);
});

describe('rebuilding the records projection', () => {
  it('equals the live projection after creates, updates and deletes', async () => {
    await sync();
    upstream.items.unshift({ id: 131, name: 'new', price: 5 }, { id: 132, name: 'newer', price: 6 });
    upstream.items[5]!['price'] = 999;
    upstream.items.splice(40, 3);
    await sync();
    upstream.items.shift();
    upstream.items[0]!['name'] = 'renamed again';
    await sync();

    const live = await projection();
    expect(live).toHaveLength(128);
    await db.deleteFrom('records').execute(); // lose the projection entirely
    const result = await rebuildRecords(db, 'acme', 'products', 50);
    expect(result.records).toBe(128);
    expect(result.events).toBeGreaterThan(130);
    expect(await projection()).toEqual(live);
  });

  it('is a no-op on a projection that is already right', async () => {
    const before = await projection();
    await rebuildRecords(db, 'acme', 'products');
    expect(await projection()).toEqual(before);
  });
});
