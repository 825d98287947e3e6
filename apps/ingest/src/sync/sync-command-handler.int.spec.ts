// The sync job against the real Postgres: what it commits, what it refuses to commit,
// and how it reports failures.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { appendToStream, createEventStoreDb, readStream } from '@freshet/event-store';
import { sourceDefinitionSchema, syncCommandSchema, type SyncCommand } from '@freshet/contracts';
import { createSchema, dropSchema, testNames, TEST_DATABASE_URL } from '@freshet/testkit';
import type { DurableMessageContext } from '@freshet/bus';
import type { IngestDatabase } from '../db/ingest-tables';
import { migrateIngest } from '../db/migrate-ingest';
import { findSource, upsertSource } from '../sources/source-repository';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream';
import { createSyncCommandHandler } from './sync-command-handler';
import { withSourceLock } from './source-lock';
import { contentStreamId, jobStreamId } from './stream-ids';
import { decideJobStarted } from './sync-outcome.decider';

const names = testNames('ingest');
let db: Kysely<IngestDatabase>;
let upstream: FakeUpstream;
const logger = pino({ level: 'silent' });
const handler = () => createSyncCommandHandler({ db, logger, retry: { maxAttempts: 3, baseDelayMs: 1000 } });

function command(source = 'products'): SyncCommand {
  return syncCommandSchema.parse({
    type: 'sync.requested',
    commandId: randomUUID(),
    jobId: randomUUID(),
    tenant: 'acme',
    source,
    priority: 10,
    reason: 'test',
    requestedAt: new Date().toISOString(),
  });
}

const ctx = (deliveryCount = 1): DurableMessageContext => ({
  subject: 'x',
  streamSequence: 1,
  deliveryCount,
  headers: {},
  working: () => undefined,
});

async function contentEvents() {
  return (await readStream(db, contentStreamId('acme', 'products'))).events.map((e) => e.event);
}
async function jobEvents(jobId: string) {
  return (await readStream(db, jobStreamId(jobId))).events.map((e) => e.event);
}
async function recordCount() {
  const { count } = await db.selectFrom('records').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return Number(count);
}

beforeAll(async () => {
  await createSchema(names.databaseSchema);
  db = createEventStoreDb<IngestDatabase>({ connectionString: TEST_DATABASE_URL, schema: names.databaseSchema });
  await migrateIngest(db, names.databaseSchema);
  upstream = await startFakeUpstream(120);
  await upsertSource(
    db,
    sourceDefinitionSchema.parse({
      tenant: 'acme',
      source: 'products',
      connector: { type: 'http-paged-list', baseUrl: upstream.url, path: '/items', maxPages: 100, timeoutMs: 2000 },
    }),
  );
});

afterAll(async () => {
  await upstream?.close();
  await db?.destroy();
  await dropSchema(names.databaseSchema);
});

beforeEach(() => {
  upstream.fault = 'none';
});

describe('sync command handler', () => {
  it('commits the first sync: one content.created per item, records, last-synced time, job events', async () => {
    const cmd = command();
    expect(await handler()(cmd, ctx())).toEqual({ ack: true });
    const events = await contentEvents();
    expect(events).toHaveLength(120);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['content.created']));
    expect(await recordCount()).toBe(120);
    expect((await findSource(db, 'acme', 'products'))?.lastSyncedAt).toBeInstanceOf(Date);
    expect((await jobEvents(cmd.jobId)).map((e) => e.type)).toEqual(['job.started', 'job.completed']);
  });

  it('emits no content event when nothing changed', async () => {
    const before = (await contentEvents()).length;
    const cmd = command();
    await handler()(cmd, ctx());
    expect(await contentEvents()).toHaveLength(before);
    const completed = (await jobEvents(cmd.jobId)).at(-1);
    expect(completed).toMatchObject({ type: 'job.completed', data: { stats: { unchanged: 120, created: 0, pages: 3, requests: 3 } } });
  });

  it('emits exactly the changes: created, updated, deleted', async () => {
    const before = (await contentEvents()).length;
    upstream.items.unshift({ id: 121, name: 'new', price: 1 });
    upstream.items[1]!['name'] = 'renamed';
    const removed = upstream.items.pop()!;
    await handler()(command(), ctx());
    const added = (await contentEvents()).slice(before);
    expect(added.map((e) => [e.type, (e.data as { key: string }).key])).toEqual([
      ['content.created', '121'],
      ['content.updated', String(upstream.items[1]!.id)],
      ['content.deleted', String(removed.id)],
    ]);
    expect(await recordCount()).toBe(120);
  });

  it('keeps the pages it stored when a later page is malformed, fails the job for good, and never doubles an event', async () => {
    const before = (await contentEvents()).length;
    const synced = (await findSource(db, 'acme', 'products'))?.lastSyncedAt;
    upstream.items.unshift({ id: 122, name: 'on page 1', price: 1 });
    upstream.fault = 'malformed-page-2';
    const cmd = command();
    const result = await handler()(cmd, ctx());
    expect(result).toMatchObject({ term: expect.stringMatching(/^INVALID_UPSTREAM_PAGE: page 2/) });
    // page 1 committed whole (its new item), nothing after it, no deletions, not "synced"
    expect((await contentEvents()).slice(before).map((e) => [e.type, (e.data as { key: string }).key])).toEqual([['content.created', '122']]);
    expect((await findSource(db, 'acme', 'products'))?.lastSyncedAt).toEqual(synced);
    expect((await jobEvents(cmd.jobId)).at(-1)).toMatchObject({
      type: 'job.failed',
      data: { willRetry: false, error: { code: 'INVALID_UPSTREAM_PAGE', retryable: false } },
    });
    // the next sync after the upstream is fixed adds nothing twice
    upstream.fault = 'none';
    await handler()(command(), ctx());
    expect((await contentEvents()).slice(before)).toHaveLength(1);
  });

  it('asks for a retry with backoff while the upstream is down, and gives up after the last attempt', async () => {
    upstream.fault = 'unavailable';
    const cmd = command();
    // Attempts come from the job's job.failed events, not the delivery count: deliveries in
    // between may have been hand-backs while the source was busy.
    expect(await handler()(cmd, ctx(1))).toEqual({ nak: 1000 });
    expect(await handler()(cmd, ctx(4))).toEqual({ nak: 2000 });
    expect(await handler()(cmd, ctx(9))).toMatchObject({ term: expect.stringMatching(/UPSTREAM_HTTP_ERROR/) });
    const events = await jobEvents(cmd.jobId);
    const failures = events.filter((e) => e.type === 'job.failed');
    expect(failures.map((e) => (e.data as { willRetry: boolean }).willRetry)).toEqual([true, true, false]);
    expect(events.filter((e) => e.type === 'job.started').map((e) => (e.data as { attempt: number }).attempt)).toEqual([1, 2, 3]);
  });

  it('counts a first attempt as 1 however often the command was delivered before', async () => {
    upstream.fault = 'unavailable';
    const cmd = command();
    expect(await handler()(cmd, ctx(6))).toEqual({ nak: 1000 });
    expect((await jobEvents(cmd.jobId)).map((e) => [e.type, (e.data as { attempt: number }).attempt])).toEqual([
      ['job.started', 1],
      ['job.failed', 1],
    ]);
  });

  it('hands a command back without recording an attempt while another sync holds the source', async () => {
    const cmd = command();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    const holder = withSourceLock(db, 'acme', 'products', async () => {
      locked();
      await held;
    });
    await lockTaken;
    const requestsBefore = upstream.requests;
    try {
      expect(await handler()(cmd, ctx())).toEqual({ nak: 5_000 });
    } finally {
      release();
      await holder;
    }
    expect(await jobEvents(cmd.jobId)).toEqual([]);
    expect(upstream.requests).toBe(requestsBefore);
    // Once the source is free the first real attempt is attempt 1.
    expect(await handler()(cmd, ctx(2))).toEqual({ ack: true });
    expect((await jobEvents(cmd.jobId)).map((e) => [e.type, (e.data as { attempt: number }).attempt])).toEqual([
      ['job.started', 1],
      ['job.completed', 1],
    ]);
  });

  it('records a final failure instead of running again when every attempt started and none finished', async () => {
    const cmd = command();
    // Three attempts that each died mid-job (no job.failed, no job.completed).
    for (const attempt of [1, 2, 3]) {
      const started = decideJobStarted({ tenant: 'acme', source: 'products', jobId: cmd.jobId, attempt, time: new Date().toISOString() }, 10);
      await appendToStream(db, jobStreamId(cmd.jobId), [started], { expectedVersion: 'any' });
    }
    const requestsBefore = upstream.requests;
    expect(await handler()(cmd, ctx(4))).toMatchObject({ term: expect.stringMatching(/^ATTEMPTS_EXHAUSTED: 3 of 3 attempts used/) });
    expect((await jobEvents(cmd.jobId)).at(-1)).toMatchObject({
      type: 'job.failed',
      data: { attempt: 3, willRetry: false, error: { code: 'ATTEMPTS_EXHAUSTED', retryable: false } },
    });
    expect(upstream.requests).toBe(requestsBefore);
    // A job that failed for good is over: another command for it is acked, nothing recorded.
    const events = await jobEvents(cmd.jobId);
    expect(await handler()({ ...cmd, commandId: randomUUID() }, ctx())).toEqual({ ack: true });
    expect(await jobEvents(cmd.jobId)).toEqual(events);
  });

  it('acks a duplicate command of a completed job without running it again', async () => {
    const cmd = command();
    expect(await handler()(cmd, ctx())).toEqual({ ack: true });
    const events = await jobEvents(cmd.jobId);
    const contentBefore = (await contentEvents()).length;
    const requestsBefore = upstream.requests;

    // Another command for the same job (a priority raise re-dispatches it), and a redelivery.
    const duplicate = { ...cmd, commandId: randomUUID(), priority: 3 };
    expect(await handler()(duplicate, ctx())).toEqual({ ack: true });
    expect(await handler()(cmd, ctx(2))).toEqual({ ack: true });
    expect(upstream.requests).toBe(requestsBefore);
    expect(await jobEvents(cmd.jobId)).toEqual(events);
    expect(await contentEvents()).toHaveLength(contentBefore);
  });

  it('fails a command for an unknown source at once, naming it', async () => {
    const cmd = command('ghost');
    expect(await handler()(cmd, ctx())).toMatchObject({ term: 'source acme/ghost is not configured' });
    expect((await jobEvents(cmd.jobId)).map((e) => e.type)).toEqual(['job.failed']);
  });

  it('lets only one of two concurrent syncs commit the same change', async () => {
    const before = (await contentEvents()).length;
    upstream.items.unshift({ id: 123, name: 'raced', price: 1 });
    const results = await Promise.all([handler()(command(), ctx()), handler()(command(), ctx())]);
    const created = (await contentEvents()).slice(before).filter((e) => (e.data as { key: string }).key === '123');
    expect(created).toHaveLength(1);
    // the loser either saw the winner's commit (no change) or lost the version race (retry)
    for (const result of results) expect(result).toSatisfy((r) => 'ack' in r || ('nak' in r && typeof r.nak === 'number'));
  });

  it('waits out rate limits without using up attempts, then runs the job', async () => {
    upstream.fault = 'rate-limited';
    upstream.retryAfterSeconds = 1;
    const cmd = command();
    for (let i = 0; i < 4; i += 1) expect(await handler()(cmd, ctx(i + 1))).toMatchObject({ nak: 1000 });
    upstream.fault = 'none';
    expect(await handler()(cmd, ctx(5))).toEqual({ ack: true });
    const events = await jobEvents(cmd.jobId);
    const failures = events.filter((e) => e.type === 'job.failed').map((e) => e.data as { willRetry: boolean; error: { code: string } });
    expect(failures).toHaveLength(4);
    expect(failures.every((f) => f.willRetry && f.error.code === 'UPSTREAM_RATE_LIMITED')).toBe(true);
    const starts = events.filter((e) => e.type === 'job.started').map((e) => (e.data as { attempt: number }).attempt);
    expect(starts).toEqual([1, 1, 1, 1, 1]);
    expect(events.at(-1)).toMatchObject({ type: 'job.completed', data: { attempt: 1 } });
  });
});
