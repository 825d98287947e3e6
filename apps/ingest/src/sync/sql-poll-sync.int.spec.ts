// A factory dashboard's source: ingest polls a production database table (a real
// Postgres schema here) and turns row changes into content events.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { createEventStoreDb, readStream } from '@freshet/event-store';
import { sourceDefinitionSchema, syncCommandSchema } from '@freshet/contracts';
import { createSchema, dropSchema, testNames, TEST_DATABASE_URL } from '@freshet/testkit';
import type { IngestDatabase } from '../db/ingest-tables';
import { migrateIngest } from '../db/migrate-ingest';
import { upsertSource } from '../sources/source-repository';
import { createSyncCommandHandler } from './sync-command-handler';
import { contentStreamId, jobStreamId } from './stream-ids';

const names = testNames('sqlpoll');
const factory = `${names.databaseSchema}_factory`;
let db: Kysely<IngestDatabase>;
let factoryDb: pg.Client;

async function sync(): Promise<string> {
  const handler = createSyncCommandHandler({
    db,
    logger: pino({ level: 'silent' }),
    retry: { maxAttempts: 1, baseDelayMs: 1 },
    secrets: { env: { FACTORY_DB_URL: TEST_DATABASE_URL } },
  });
  const jobId = randomUUID();
  const command = syncCommandSchema.parse({
    type: 'sync.requested',
    commandId: randomUUID(),
    jobId,
    tenant: 'plant',
    source: 'machines',
    priority: 5,
    reason: 'poll',
    requestedAt: new Date().toISOString(),
  });
  const result = await handler(command, { subject: 'x', streamSequence: 1, deliveryCount: 1, headers: {}, working: () => undefined });
  expect(result).toEqual({ ack: true });
  return jobId;
}

const contentOf = async (jobId: string) =>
  (await readStream(db, contentStreamId('plant', 'machines'))).events
    .map((e) => e.event)
    .filter((e) => (e.data as { jobId: string }).jobId === jobId)
    .map((e) => [e.type, (e.data as { key: string }).key]);

beforeAll(async () => {
  await createSchema(names.databaseSchema);
  await createSchema(factory);
  factoryDb = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await factoryDb.connect();
  await factoryDb.query(`create table "${factory}".machines (line text, slot int, status text, updated_at timestamptz, primary key (line, slot))`);
  await factoryDb.query(
    `insert into "${factory}".machines select 'line-' || (i % 3), i, 'running', now() from generate_series(1, 1200) as i`,
  );
  db = createEventStoreDb<IngestDatabase>({ connectionString: TEST_DATABASE_URL, schema: names.databaseSchema });
  await migrateIngest(db, names.databaseSchema);
  await upsertSource(
    db,
    sourceDefinitionSchema.parse({
      tenant: 'plant',
      source: 'machines',
      connector: {
        type: 'sql-poll',
        dialect: 'postgres',
        connection: { urlFromEnv: 'FACTORY_DB_URL' },
        query: `select line, slot, status from "${factory}".machines`,
        primaryKey: ['line', 'slot'],
        pollIntervalMs: 5000,
      },
    }),
  );
});

afterAll(async () => {
  await factoryDb?.end();
  await db?.destroy();
  await dropSchema(names.databaseSchema);
  await dropSchema(factory);
});

describe('a SQL-poll source', () => {
  it('lists every row on the first poll, in batches', async () => {
    const jobId = await sync();
    expect(await contentOf(jobId)).toHaveLength(1200);
    const completed = (await readStream(db, jobStreamId(jobId))).events.at(-1)?.event;
    expect(completed).toMatchObject({ type: 'job.completed', data: { strategy: 'full', stats: { created: 1200, pages: 2 } } });
  });

  it('turns row changes into exactly the matching events, keyed by the composite key', async () => {
    await factoryDb.query(`update "${factory}".machines set status = 'stopped' where slot = 7`);
    await factoryDb.query(`delete from "${factory}".machines where slot = 8`);
    await factoryDb.query(`insert into "${factory}".machines values ('line-9', 9999, 'starting', now())`);
    const jobId = await sync();
    expect((await contentOf(jobId)).sort()).toEqual(
      [
        ['content.created', 'line-9|9999'],
        ['content.deleted', 'line-2|8'],
        ['content.updated', 'line-1|7'],
      ].sort(),
    );
  });

  it('says nothing when nothing changed', async () => {
    expect(await contentOf(await sync())).toEqual([]);
  });
});
