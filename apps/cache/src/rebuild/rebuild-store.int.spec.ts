// The rebuild's Redis scripts on the real server, interleaved with the projection as it
// happens in production: events newer than the database's position win over the
// database's records, older ones lose, deletes are never undone, what the database no
// longer lists goes, and a clear midway makes the rebuild stop.
import { describe, expect, it } from 'vitest';
import { testNames } from '@freshet/testkit';
import { redisPerFile } from '../testing/redis-per-file';
import { applyProjectionOp, readProjectionPage } from '../projection/projection-store';
import { claimRebuild, finishRebuild, releaseRebuild, startRebuild, writeRebuildPage } from './rebuild-store';

const names = testNames('cacherebuild');
const clients = redisPerFile(names.redisKeyPrefix);
/** The consumer's generation: a stale one that does not know the view is being rebuilt. */
const CONSUMER = { id: 'gen-1', trustNew: true };
const put = (source: string, seq: number, key: string, v: number) =>
  applyProjectionOp(clients.redis, 'acme', source, seq, { kind: 'put', key, json: JSON.stringify({ v }) }, CONSUMER);
const view = async (source: string) => {
  const page = await readProjectionPage(clients.redis, 'acme', source, { limit: 1000 });
  return { meta: page.meta, records: Object.fromEntries(page.entries.map((e) => [e.key, JSON.parse(e.json?.toString() ?? 'null') as unknown])) };
};


describe('rebuild store', () => {
  it('merges the database at S0 with the events around it into a complete view', async () => {
    // A view made complete in generation 1, then left behind (say Redis lost part of it).
    await put('orders', 1, 'kept', 1);
    await put('orders', 2, 'gone', 2); // deleted upstream; the database no longer lists it
    await put('orders', 3, 'newer', 3);
    await put('orders', 4, 'deleted', 4);

    const token = 'r1';
    expect(await claimRebuild(clients.redis, 'acme', 'orders', token, 60_000)).toBe(true);
    expect(await claimRebuild(clients.redis, 'acme', 'orders', 'r2', 60_000)).toBe(false);
    await startRebuild(clients.redis, 'acme', 'orders', token);
    const s0 = 10;
    // While the database is read, events beyond S0 arrive and are applied to the partial view.
    await put('orders', 11, 'newer', 11);
    await applyProjectionOp(clients.redis, 'acme', 'orders', 12, { kind: 'delete', key: 'deleted' }, CONSUMER);
    // The database answers with its state (at or after S0): older values for those two.
    const db = [
      { key: 'deleted', json: JSON.stringify({ v: 9 }) },
      { key: 'kept', json: JSON.stringify({ v: 5 }) },
      { key: 'lagging', json: JSON.stringify({ v: 8 }) },
      { key: 'newer', json: JSON.stringify({ v: 9 }) },
    ];
    expect(await writeRebuildPage(clients.redis, 'acme', 'orders', token, s0, db.slice(0, 2))).toBe(true);
    expect(await writeRebuildPage(clients.redis, 'acme', 'orders', token, s0, db.slice(2))).toBe(true);
    // A lagging consumer delivers an event the database already holds: it must not roll it back.
    expect(await put('orders', 7, 'lagging', 7)).toEqual({ applied: false });
    expect(await finishRebuild(clients.redis, 'acme', 'orders', token, s0, 'gen-2', '2024-05-01T10:00:00.000Z')).toBe(1);
    await releaseRebuild(clients.redis, 'acme', 'orders', token);

    const rebuilt = await view('orders');
    expect(rebuilt.records).toEqual({ kept: { v: 5 }, lagging: { v: 8 }, newer: { v: 11 } });
    expect(rebuilt.meta).toEqual({ seq: 12, count: 3, lastSyncedAt: '2024-05-01T10:00:00.000Z', generation: 'gen-2', incarnation: token });
    // No tombstones or leftovers: every version belongs to a record.
    expect(await clients.raw.hgetall(`${names.redisKeyPrefix}src:{acme}:orders:versions`)).toEqual({ kept: '10', lagging: '10', newer: '11' });
    expect(await clients.raw.exists(`${names.redisKeyPrefix}src:{acme}:orders:rebuild-seen`, `${names.redisKeyPrefix}src:{acme}:orders:rebuilding`)).toBe(0);
    // Complete again: a stale-generation consumer treats it as partial, which is still correct.
    expect(await put('orders', 5, 'kept', 0)).toEqual({ applied: false });
  });

  it('keeps the newer sync time of the events over the database', async () => {
    await startRebuild(clients.redis, 'acme', 'synced', 'r3');
    await applyProjectionOp(clients.redis, 'acme', 'synced', 21, { kind: 'synced', at: '2024-06-01T00:00:00.000Z' }, CONSUMER);
    expect(await finishRebuild(clients.redis, 'acme', 'synced', 'r3', 20, 'gen-2', '2024-05-01T00:00:00.000Z')).toBe(0);
    expect((await view('synced')).meta).toMatchObject({ seq: 21, lastSyncedAt: '2024-06-01T00:00:00.000Z', generation: 'gen-2' });
  });

  it('stops when the view is taken from it (cleared, or rebuilt by another)', async () => {
    await startRebuild(clients.redis, 'acme', 'taken', 'r4');
    expect(await writeRebuildPage(clients.redis, 'acme', 'taken', 'r4', 5, [{ key: 'a', json: '{}' }])).toBe(true);
    await startRebuild(clients.redis, 'acme', 'taken', 'r5'); // another rebuild's mark
    expect(await writeRebuildPage(clients.redis, 'acme', 'taken', 'r4', 5, [{ key: 'b', json: '{}' }])).toBe(false);
    expect(await finishRebuild(clients.redis, 'acme', 'taken', 'r4', 5, 'gen-2', null)).toBeUndefined();
    expect((await view('taken')).meta.generation).toBe('rebuilding:r5');
  });
});
