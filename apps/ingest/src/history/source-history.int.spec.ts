// History for historical views: a source's events over a time range, paged, through
// ingest's internal HTTP API against the real store.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { appendToStream, createEventStoreDb } from '@freshet/event-store';
import { sourceDefinitionSchema, type NewEvent } from '@freshet/contracts';
import { createServiceMetrics } from '@freshet/telemetry';
import { createSchema, dropSchema, testNames, TEST_DATABASE_URL } from '@freshet/testkit';
import { buildIngestApp } from '../app';
import type { IngestDatabase } from '../db/ingest-tables';
import { migrateIngest } from '../db/migrate-ingest';
import { upsertSource } from '../sources/source-repository';
import { contentStreamId } from '../sync/stream-ids';

const names = testNames('history');
let db: Kysely<IngestDatabase>;
let app: FastifyInstance;
const jobId = randomUUID();

const created = (key: number, time: string): NewEvent => ({
  type: 'content.created',
  tenant: 'acme',
  source: 'orders',
  time,
  data: { key: String(key), hash: `h${key}`, record: { id: key }, jobId },
});

interface Page {
  events: Array<{ position: string; event: { type: string; time: string; data: { key: string } } }>;
  nextAfter?: string;
}

beforeAll(async () => {
  await createSchema(names.databaseSchema);
  db = createEventStoreDb<IngestDatabase>({ connectionString: TEST_DATABASE_URL, schema: names.databaseSchema });
  await migrateIngest(db, names.databaseSchema);
  await upsertSource(db, sourceDefinitionSchema.parse({ tenant: 'acme', source: 'orders', connector: { type: 'http-paged-list', baseUrl: 'http://x', path: '/o' } }));
  // 10 events, one per hour of 2026-01-01, plus a job event.
  const events = Array.from({ length: 10 }, (_, i) => created(i, `2026-01-01T${String(i).padStart(2, '0')}:30:00.000Z`));
  await appendToStream(db, contentStreamId('acme', 'orders'), events, { expectedVersion: 'no_stream' });
  await appendToStream(db, `job:${jobId}`, [{ type: 'job.started', tenant: 'acme', source: 'orders', time: '2026-01-01T05:00:00.000Z', data: { jobId, attempt: 1, priority: 5 } }], {
    expectedVersion: 'any',
  });
  app = await buildIngestApp({ db, logger: pino({ level: 'silent' }), metrics: createServiceMetrics('history-test'), readiness: {} });
});

afterAll(async () => {
  await app?.close();
  await db?.destroy();
  await dropSchema(names.databaseSchema);
});

const get = async (query: string) => app.inject(`/internal/v1/sources/acme/orders/history?${query}`);

describe('source history', () => {
  it('returns the events of a time range, oldest first, filtered by type', async () => {
    const res = await get('from=2026-01-01T02:00:00Z&to=2026-01-01T06:00:00Z&types=content.');
    expect(res.statusCode).toBe(200);
    const page = res.json<Page>();
    expect(page.events.map((e) => e.event.data.key)).toEqual(['2', '3', '4', '5']);
    expect(page.nextAfter).toBeUndefined();
  });

  it('pages with nextAfter until the range is exhausted, without gaps or repeats', async () => {
    const keys: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page: Page = (await get(`types=content.&limit=3${after ? `&after=${after}` : ''}`)).json();
      keys.push(...page.events.map((e) => e.event.data.key));
      after = page.nextAfter;
      pages += 1;
    } while (after);
    expect(keys).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(pages).toBe(4);
  });

  it('includes job events unless filtered', async () => {
    const page = (await get('from=2026-01-01T04:00:00Z&to=2026-01-01T05:01:00Z')).json<Page>();
    expect(page.events.map((e) => e.event.type)).toEqual(['content.created', 'job.started']);
  });

  it.each([
    ['a bad date', 'from=yesterday', /from/],
    ['from after to', 'from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', /"from" must be before "to"/],
    ['a limit over 1000', 'limit=5000', /limit/],
    ['an unknown parameter', 'form=2026-01-01T00:00:00Z', /form/],
    ['a bad position', 'after=abc', /after/],
  ])('refuses %s with 400', async (_label, query, message) => {
    const res = await get(query);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(message);
  });

  it('answers 404 for an unknown source', async () => {
    expect((await app.inject('/internal/v1/sources/acme/nope/history')).statusCode).toBe(404);
  });
});
