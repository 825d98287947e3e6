// appendToStream against real Postgres: round trip, optimistic concurrency (both the
// version check and the unique-constraint race), invalid input, caller-owned transactions.
import { randomUUID } from 'node:crypto';
import type { FreshetEvent, NewEvent } from '@freshet/contracts';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToStream } from './append-to-stream';
import {
  DuplicateEventIdError,
  InvalidAppendError,
  InvalidEventError,
  StreamOrderConflictError,
  WrongExpectedVersionError,
} from './errors';
import { readStream } from './read-stream';
import { contentCreated, jobQueued } from './testing/event-fixtures';
import { createTestStore, type TestStore } from './testing/test-store';

describe('appendToStream', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore('append');
  });
  afterAll(async () => {
    await store.destroy();
  });
  const stream = () => `orders-${randomUUID()}`;
  const countRows = async (streamId: string) =>
    Number((await store.db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).where('stream_id', '=', streamId).executeTakeFirstOrThrow()).n);

  it('round-trips events, filling ids and times, with versions starting at 1', async () => {
    const streamId = stream();
    const first = await appendToStream(store.db, streamId, [contentCreated('1'), jobQueued()], { expectedVersion: 'no_stream' });
    expect(first.nextExpectedVersion).toBe(2);
    expect(first.events.map((e) => e.streamVersion)).toEqual([1, 2]);
    expect(first.events[0]?.event.id).toMatch(/^[0-9a-f-]{36}$/);

    const explicit: FreshetEvent = {
      ...(contentCreated('2') as FreshetEvent),
      id: randomUUID(),
      time: '2024-05-01T10:00:00.123+02:00',
      trace: { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` },
    };
    const second = await appendToStream(store.db, streamId, [explicit], { expectedVersion: 2 });
    expect(second.nextExpectedVersion).toBe(3);

    const read = await readStream(store.db, streamId);
    expect(read.currentVersion).toBe(3);
    expect(read.events).toEqual([...first.events, ...second.events]);
    expect(read.events[2]?.event).toEqual({ ...explicit, time: '2024-05-01T08:00:00.123Z' });
    expect(read.events[0]?.event).toMatchObject({ type: 'content.created', data: { record: { tags: ['a', 'b'] } } });
    expect(BigInt(read.events[1]!.globalPosition)).toBeGreaterThan(BigInt(read.events[0]!.globalPosition));
  });

  it('rejects a wrong expected version with the actual version and writes nothing', async () => {
    const streamId = stream();
    await appendToStream(store.db, streamId, [contentCreated('1')], { expectedVersion: 'no_stream' });
    const error = await appendToStream(store.db, streamId, [contentCreated('2')], { expectedVersion: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ code: 'WRONG_EXPECTED_VERSION', streamId, expected: 5, actual: 1 });
    expect(await countRows(streamId)).toBe(1);
  });

  it("rejects 'no_stream' on an existing stream and accepts 'any'", async () => {
    const streamId = stream();
    await appendToStream(store.db, streamId, [contentCreated('1')], { expectedVersion: 'no_stream' });
    await expect(appendToStream(store.db, streamId, [contentCreated('2')], { expectedVersion: 'no_stream' })).rejects.toMatchObject({
      code: 'WRONG_EXPECTED_VERSION',
      actual: 1,
    });
    expect((await appendToStream(store.db, streamId, [contentCreated('3')], { expectedVersion: 'any' })).nextExpectedVersion).toBe(2);
    await expect(appendToStream(store.db, stream(), [contentCreated('1')], { expectedVersion: 1 })).rejects.toMatchObject({ actual: 0 });
  });

  it('lets exactly one of two concurrent appends at the same version win (unique constraint path)', async () => {
    const streamId = stream();
    await appendToStream(store.db, streamId, [contentCreated('0')], { expectedVersion: 'no_stream' });
    const a = await store.db.startTransaction().execute();
    const b = await store.db.startTransaction().execute();
    try {
      await appendToStream(a, streamId, [contentCreated('a1'), contentCreated('a2')], { expectedVersion: 1 });
      // b read version 1 too (a is uncommitted), so its insert waits on a's unique key...
      const bAppend = appendToStream(b, streamId, [contentCreated('b1')], { expectedVersion: 1 }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 100));
      await a.commit().execute();
      // ...and fails as a typed conflict once a commits.
      const error = await bAppend;
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamId, expected: 1, actual: undefined });
    } finally {
      await b.rollback().execute();
    }
    const read = await readStream(store.db, streamId);
    expect(read.currentVersion).toBe(3);
    expect(read.events.map((e) => (e.event.data as { key: string }).key)).toEqual(['0', 'a1', 'a2']);
  });

  it('lets exactly one of many racing appends win and leaves no partial write', async () => {
    const streamId = stream();
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => appendToStream(store.db, streamId, [contentCreated(`${i}-1`), contentCreated(`${i}-2`)], { expectedVersion: 'no_stream' })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(5);
    for (const r of lost) expect(r.reason).toBeInstanceOf(WrongExpectedVersionError);
    const read = await readStream(store.db, streamId);
    expect(read.currentVersion).toBe(2);
    const keys = read.events.map((e) => (e.event.data as { key: string }).key);
    expect(keys[0]?.split('-')[0]).toBe(keys[1]?.split('-')[0]);
  });

  it('rejects an invalid event with a typed error and writes none of the batch', async () => {
    const streamId = stream();
    const bad = { ...contentCreated('2'), tenant: 'not a token' } as NewEvent;
    const error = await appendToStream(store.db, streamId, [contentCreated('1'), bad], { expectedVersion: 'any' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error).toMatchObject({ code: 'INVALID_EVENT', index: 1, streamId });
    expect((error as InvalidEventError).cause).toBeDefined();
    expect(await countRows(streamId)).toBe(0);
  });

  it('rejects a malformed request', async () => {
    await expect(appendToStream(store.db, '', [contentCreated('1')], { expectedVersion: 'any' })).rejects.toBeInstanceOf(InvalidAppendError);
    await expect(appendToStream(store.db, stream(), [contentCreated('1')], { expectedVersion: -1 })).rejects.toMatchObject({ code: 'INVALID_APPEND' });
  });

  it('rejects an event id that is already stored', async () => {
    const id = randomUUID();
    await appendToStream(store.db, stream(), [{ ...contentCreated('1'), id }], { expectedVersion: 'no_stream' });
    const streamId = stream();
    await expect(appendToStream(store.db, streamId, [{ ...contentCreated('1'), id }], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(DuplicateEventIdError);
    expect(await countRows(streamId)).toBe(0);
  });

  it("joins the caller's transaction: a rollback takes the append with it", async () => {
    const streamId = stream();
    await store.db
      .transaction()
      .execute(async (trx) => {
        await appendToStream(trx, streamId, [contentCreated('1')], { expectedVersion: 'no_stream' });
        await appendToStream(trx, streamId, [contentCreated('2')], { expectedVersion: 1 });
        expect((await readStream(trx, streamId)).currentVersion).toBe(2);
        throw new Error('caller aborts');
      })
      .catch(() => undefined);
    expect(await countRows(streamId)).toBe(0);
  });

  it('refuses to append after an event of a younger transaction, keeping per-stream order in the global log', async () => {
    const streamId = stream();
    const older = await store.db.startTransaction().execute();
    try {
      await sql`select pg_current_xact_id()`.execute(older); // older takes its xid first
      await appendToStream(store.db, streamId, [contentCreated('1')], { expectedVersion: 'no_stream' }); // younger commits v1
      await expect(appendToStream(older, streamId, [contentCreated('2')], { expectedVersion: 1 })).rejects.toBeInstanceOf(StreamOrderConflictError);
    } finally {
      await older.rollback().execute();
    }
    expect(await countRows(streamId)).toBe(1);
  });

  it('notifies <schema>_events when the append commits', async () => {
    const listener = new pg.Client({ connectionString: store.connectionString });
    await listener.connect();
    try {
      const channel = `${store.schema}_events`;
      const got: string[] = [];
      listener.on('notification', (m) => got.push(m.channel));
      await listener.query(`LISTEN ${listener.escapeIdentifier(channel)}`);
      const trx = await store.db.startTransaction().execute();
      await appendToStream(trx, stream(), [contentCreated('1')], { expectedVersion: 'no_stream' });
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toEqual([]);
      await trx.commit().execute();
      await expect.poll(() => got).toEqual([channel]);
    } finally {
      await listener.end();
    }
  });
});
