// Ingest's source RPCs as the gateway uses them, against the real Postgres and NATS:
// list-sources filtered to one tenant (paged, with staleAfter and display name) and
// get-history, never answering one tenant with another's sources or events.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { requestJson } from '@freshet/bus';
import { appendToStream, createEventStoreDb } from '@freshet/event-store';
import {
  RPC,
  getHistoryReplySchema,
  listSourcesReplySchema,
  rpcSubject,
  sourceDefinitionSchema,
  type ListSourcesReply,
  type ListSourcesRequestInput,
  type NewEvent,
} from '@freshet/contracts';
import { createSchema, dropSchema, testNames, TEST_DATABASE_URL, TEST_NATS_URL } from '@freshet/testkit';
import type { IngestDatabase } from '../db/ingest-tables';
import { migrateIngest } from '../db/migrate-ingest';
import { markSourceSynced, upsertSource } from '../sources/source-repository';
import { contentStreamId } from '../sync/stream-ids';
import { startSourceRpc } from './source-rpc-responder';

const names = testNames('ingtenant');
let db: Kysely<IngestDatabase>;
let nc: NatsConnection;
let rpc: { unsubscribe(): void };
const SYNCED_AT = new Date('2026-02-03T04:05:06.000Z');

const list = async (request: ListSourcesRequestInput): Promise<Extract<ListSourcesReply, { ok: true }>> => {
  const reply = await requestJson(nc, rpcSubject(names.subjectPrefix, RPC.ingest.service, RPC.ingest.listSources), request, listSourcesReplySchema, 5_000);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply;
};
const history = (request: Record<string, unknown>) =>
  requestJson(nc, rpcSubject(names.subjectPrefix, RPC.ingest.service, RPC.ingest.getHistory), request, getHistoryReplySchema, 5_000);

async function addSource(tenant: string, source: string, extra: Record<string, unknown> = {}) {
  await upsertSource(db, sourceDefinitionSchema.parse({ tenant, source, connector: { type: 'http-paged-list', baseUrl: 'http://upstream.invalid', path: '/x' }, ...extra }));
}
const created = (tenant: string, key: string): NewEvent => ({
  type: 'content.created',
  tenant,
  source: 'orders',
  time: '2026-01-01T00:00:00.000Z',
  data: { key, hash: `h${key}`, record: { id: key, owner: tenant }, jobId: randomUUID() },
});

beforeAll(async () => {
  await createSchema(names.databaseSchema);
  db = createEventStoreDb<IngestDatabase>({ connectionString: TEST_DATABASE_URL, schema: names.databaseSchema });
  await migrateIngest(db, names.databaseSchema);
  // Tenants whose names sort around each other ("acme" < "acme-corp" < "acmf").
  await addSource('acme', 'orders', { displayName: 'Orders', staleAfterMs: 60_000 });
  await addSource('acme', 'billing');
  await addSource('acme', 'stock');
  await addSource('acme-corp', 'orders');
  await addSource('acmf', 'aaa');
  await markSourceSynced(db, 'acme', 'orders', SYNCED_AT);
  await appendToStream(db, contentStreamId('acme', 'orders'), [created('acme', 'a1')], { expectedVersion: 'no_stream' });
  await appendToStream(db, contentStreamId('acme-corp', 'orders'), [created('acme-corp', 'c1')], { expectedVersion: 'no_stream' });
  nc = await connect({ servers: TEST_NATS_URL });
  rpc = startSourceRpc(nc, db, names.subjectPrefix, pino({ level: 'silent' }));
});

afterAll(async () => {
  rpc?.unsubscribe();
  await nc?.close();
  await db?.destroy();
  await dropSchema(names.databaseSchema);
});

describe('list-sources with a tenant', () => {
  it("lists only the tenant's sources, with staleAfter and display name, paged", async () => {
    const all = await list({ tenant: 'acme' });
    expect(all.sources.map((s) => `${s.tenant}/${s.source}`)).toEqual(['acme/billing', 'acme/orders', 'acme/stock']);
    expect(all.sources[1]).toMatchObject({ displayName: 'Orders', staleAfterMs: 60_000, lastSyncedAt: SYNCED_AT.toISOString() });
    expect(all.sources[0]).toMatchObject({ staleAfterMs: 3_600_000, lastSyncedAt: null });
    expect(all.sources[0]).not.toHaveProperty('displayName');
    expect(all.next).toBeUndefined();

    const first = await list({ tenant: 'acme', limit: 2 });
    expect(first.sources.map((s) => s.source)).toEqual(['billing', 'orders']);
    expect(first.next).toBe('acme/orders');
    const second = await list({ tenant: 'acme', limit: 2, after: first.next });
    expect(second.sources.map((s) => s.source)).toEqual(['stock']);
    expect(second.next).toBeUndefined();

    expect((await list({ tenant: 'acme-corp' })).sources.map((s) => `${s.tenant}/${s.source}`)).toEqual(['acme-corp/orders']);
    expect((await list({ tenant: 'nobody' })).sources).toEqual([]);
  });

  it('still lists every tenant without one (the scheduler scan)', async () => {
    const all = await list({});
    expect(all.sources.map((s) => `${s.tenant}/${s.source}`)).toEqual(['acme/billing', 'acme/orders', 'acme/stock', 'acme-corp/orders', 'acmf/aaa']);
  });

  it('refuses a tenant that is not a subject token', async () => {
    const reply = await requestJson(nc, rpcSubject(names.subjectPrefix, RPC.ingest.service, RPC.ingest.listSources), { tenant: 'a.*' }, listSourcesReplySchema, 5_000);
    expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});

describe('get-history', () => {
  it("answers each tenant with its own source's events only", async () => {
    const acme = await history({ tenant: 'acme', source: 'orders' });
    const corp = await history({ tenant: 'acme-corp', source: 'orders' });
    expect(acme.ok && acme.page.events.map((e) => (e.event.data as { key: string }).key)).toEqual(['a1']);
    expect(corp.ok && corp.page.events.map((e) => (e.event.data as { key: string }).key)).toEqual(['c1']);
    expect(await history({ tenant: 'acme', source: 'aaa' })).toMatchObject({ ok: false, error: { code: 'SOURCE_NOT_FOUND' } });
  });
});
