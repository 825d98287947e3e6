// readAll/readStream against real Postgres, including the position trap: a committed event
// must not be returned past an open transaction that holds a lower position.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToStream } from './append-to-stream';
import { readAll } from './read-all';
import { readStream } from './read-stream';
import { checkpointOf, type StoredEvent } from './stored-event';
import { contentCreated } from './testing/event-fixtures';
import { createTestStore, type TestStore } from './testing/test-store';
import { waitForReadable } from './testing/wait-for-readable';

describe('readAll', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore('readall');
  });
  afterAll(async () => {
    await store.destroy();
  });

  it('pages through the log in append order from a checkpoint', async () => {
    const appended: StoredEvent[] = [];
    for (let i = 0; i < 5; i++) {
      const { events } = await appendToStream(store.db, `s-${randomUUID()}`, [contentCreated(`${i}`)], { expectedVersion: 'no_stream' });
      appended.push(...events);
    }
    await waitForReadable(store.db, appended.map((e) => e.event.id));
    const firstPage = await readAll(store.db, { limit: 3 });
    const secondPage = await readAll(store.db, { after: checkpointOf(firstPage.at(-1)!), limit: 3 });
    expect([...firstPage, ...secondPage]).toEqual(appended);
    expect(await readAll(store.db, { after: checkpointOf(appended.at(-1)!), limit: 3 })).toEqual([]);
  });

  it('does not read past an open transaction that holds a lower position (the position trap)', async () => {
    const start = (await readAll(store.db, { limit: 1_000 })).at(-1);
    const after = start === undefined ? undefined : checkpointOf(start);

    const slow = await store.db.startTransaction().execute();
    try {
      const a = await appendToStream(slow, `a-${randomUUID()}`, [contentCreated('a')], { expectedVersion: 'no_stream' });
      const b = await appendToStream(store.db, `b-${randomUUID()}`, [contentCreated('b')], { expectedVersion: 'no_stream' });
      const [aPos, bPos] = [BigInt(a.events[0]!.globalPosition), BigInt(b.events[0]!.globalPosition)];
      expect(aPos).toBeLessThan(bPos);

      // B is committed and visible; a reader following global_position would take it now
      // and then never look back at A's lower position.
      const { rows } = await sql<{ n: string }>`select count(*) as n from events where global_position = ${String(bPos)}`.execute(store.db);
      expect(rows[0]?.n).toBe('1');
      expect(await readAll(store.db, { after, limit: 100 })).toEqual([]);

      await slow.commit().execute();
      await waitForReadable(store.db, [a.events[0]!.event.id, b.events[0]!.event.id]);
      const visible = await readAll(store.db, { after, limit: 100 });
      expect(visible.map((e) => e.event.id)).toEqual([a.events[0]!.event.id, b.events[0]!.event.id]);
    } finally {
      if (!slow.isCommitted) await slow.rollback().execute();
    }
  });
});

describe('readStream', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore('readstream');
  });
  afterAll(async () => {
    await store.destroy();
  });

  it('reads a slice from a version and reports the current version', async () => {
    const streamId = `s-${randomUUID()}`;
    await appendToStream(store.db, streamId, ['1', '2', '3', '4'].map((k) => contentCreated(k)), { expectedVersion: 'no_stream' });
    const slice = await readStream(store.db, streamId, { fromVersion: 2, maxCount: 2 });
    expect(slice.currentVersion).toBe(4);
    expect(slice.events.map((e) => e.streamVersion)).toEqual([2, 3]);
    expect(await readStream(store.db, `missing-${randomUUID()}`)).toEqual({ currentVersion: 0, events: [] });
  });
});
