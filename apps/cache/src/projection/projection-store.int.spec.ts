// The projection's Redis scripts on the real server: applying by sequence (idempotent,
// older events ignored), the key names under REDIS_KEY_PREFIX, and page reads.
import { describe, expect, it } from 'vitest';
import { testNames } from '@freshet/testkit';
import { redisPerFile } from '../testing/redis-per-file';
import { applyProjectionOp, readProjectionPage, readViewMeta } from './projection-store';

const names = testNames('cachestore');
const clients = redisPerFile(names.redisKeyPrefix);
/** A generation that trusts new views: the consumer saw the stream from its start. */
const G = { id: 'gen-1', trustNew: true };


const snapshotOf = async (tenant: string, source: string) => {
  const page = await readProjectionPage(clients.redis, tenant, source, { limit: 1000 });
  return { meta: page.meta, entries: page.entries.map((e) => ({ ...e, json: e.json?.toString() ?? null })) };
};


describe('projection store', () => {
  it('writes, updates and deletes records, keeping seq and count, under the prefixed key names', async () => {
    expect(await applyProjectionOp(clients.redis, 'acme', 'orders', 1, { kind: 'put', key: 'a', json: '{"v":1}' }, G)).toEqual({ applied: true });
    await applyProjectionOp(clients.redis, 'acme', 'orders', 2, { kind: 'put', key: 'b', json: '{"v":2}' }, G);
    await applyProjectionOp(clients.redis, 'acme', 'orders', 3, { kind: 'put', key: 'a', json: '{"v":3}' }, G);
    await applyProjectionOp(clients.redis, 'acme', 'orders', 4, { kind: 'delete', key: 'b' }, G);
    await applyProjectionOp(clients.redis, 'acme', 'orders', 5, { kind: 'synced', at: '2024-05-01T10:00:00.000Z' }, G);

    expect(await clients.raw.hgetall(`${names.redisKeyPrefix}src:{acme}:orders:records`)).toEqual({ a: '{"v":3}' });
    expect(await clients.raw.hgetall(`${names.redisKeyPrefix}src:{acme}:orders:meta`)).toEqual({
      generation: 'gen-1',
      seq: '5',
      count: '1',
      lastSyncedAt: '2024-05-01T10:00:00.000Z',
      syncedSeq: '5',
    });
    const view = await snapshotOf('acme', 'orders');
    expect(view.meta).toEqual({ seq: 5, count: 1, lastSyncedAt: '2024-05-01T10:00:00.000Z', generation: 'gen-1', incarnation: '' });
    expect(view.entries).toEqual([{ key: 'a', json: '{"v":3}', version: 3 }]);
  });

  it('applies an event once: the same sequence again, or an older one, changes nothing', async () => {
    await applyProjectionOp(clients.redis, 'acme', 'idem', 10, { kind: 'put', key: 'a', json: '{"v":1}' }, G);
    await applyProjectionOp(clients.redis, 'acme', 'idem', 11, { kind: 'synced', at: '2024-05-01T10:00:00.000Z' }, G);
    const before = await snapshotOf('acme', 'idem');

    expect(await applyProjectionOp(clients.redis, 'acme', 'idem', 10, { kind: 'put', key: 'a', json: '{"v":1}' }, G)).toEqual({ applied: false });
    expect(await applyProjectionOp(clients.redis, 'acme', 'idem', 11, { kind: 'synced', at: '2024-05-01T10:00:00.000Z' }, G)).toEqual({ applied: false });
    expect(await applyProjectionOp(clients.redis, 'acme', 'idem', 9, { kind: 'delete', key: 'a' }, G)).toEqual({ applied: false });
    expect(await applyProjectionOp(clients.redis, 'acme', 'idem', 3, { kind: 'put', key: 'z', json: '{"old":true}' }, G)).toEqual({ applied: false });
    expect(await snapshotOf('acme', 'idem')).toEqual(before);
  });

  it('reports an empty view for a source it never saw', async () => {
    expect(await readViewMeta(clients.redis, 'acme', 'nothing')).toEqual({ seq: 0, count: 0, lastSyncedAt: null, generation: '', incarnation: '' });
  });

  it('pages in byte order, each key once, and restricts to a prefix', async () => {
    const keys = ['b2', 'a1', 'a10', 'a2', 'ab', 'é', 'a', 'b1'];
    let seq = 0;
    for (const key of keys) await applyProjectionOp(clients.redis, 'acme', 'paged', ++seq, { kind: 'put', key, json: JSON.stringify({ key }) }, G);

    const walk = async (prefix?: string) => {
      const seen: string[] = [];
      let after: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await readProjectionPage(clients.redis, 'acme', 'paged', { after, prefix, limit: 3 });
        seen.push(...page.entries.map((e) => e.key));
        if (page.lastKey === undefined) return seen;
        after = page.lastKey;
      }
      throw new Error('walk did not end');
    };
    const sorted = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(await walk()).toEqual(sorted);
    expect(await walk('a1')).toEqual(['a1', 'a10']);
    expect(await walk('a')).toEqual(['a', 'a1', 'a10', 'a2', 'ab']);
    expect(await walk('zz')).toEqual([]);
  });

  it('keeps tenants and sources apart', async () => {
    await applyProjectionOp(clients.redis, 'other', 'orders', 1, { kind: 'put', key: 'x', json: '{}' }, G);
    expect((await snapshotOf('other', 'orders')).entries.map((e) => e.key)).toEqual(['x']);
    expect((await snapshotOf('acme', 'orders')).entries.map((e) => e.key)).toEqual(['a']);
  });

  it('makes a view from nothing complete only when the generation trusts new views', async () => {
    await applyProjectionOp(clients.redis, 'acme', 'untrusted', 1, { kind: 'put', key: 'a', json: '{}' }, { id: 'gen-2', trustNew: false });
    expect((await readViewMeta(clients.redis, 'acme', 'untrusted')).generation).toBe('');
    // A view of another generation stays as it is, whatever the consumer trusts.
    await applyProjectionOp(clients.redis, 'acme', 'orders', 6, { kind: 'put', key: 'c', json: '{}' }, { id: 'gen-3', trustNew: true });
    expect((await readViewMeta(clients.redis, 'acme', 'orders')).generation).toBe('gen-1');
  });

  it('applies events to a partial view record by record, keeping deletes as tombstones', async () => {
    const P = { id: 'gen-2', trustNew: false };
    const put = (seq: number, key: string, v: number) => applyProjectionOp(clients.redis, 'acme', 'partial', seq, { kind: 'put', key, json: JSON.stringify({ v }) }, P);
    expect(await put(20, 'a', 20)).toEqual({ applied: true });
    // Older than the view's seq, but news for this record: a partial view takes it.
    expect(await put(10, 'b', 10)).toEqual({ applied: true });
    expect(await put(15, 'a', 15)).toEqual({ applied: false });
    expect(await applyProjectionOp(clients.redis, 'acme', 'partial', 21, { kind: 'delete', key: 'b' }, P)).toEqual({ applied: true });
    expect(await put(11, 'b', 11)).toEqual({ applied: false }); // the tombstone keeps it deleted
    expect(await applyProjectionOp(clients.redis, 'acme', 'partial', 5, { kind: 'synced', at: '2024-05-01T10:00:00.000Z' }, P)).toEqual({ applied: true });
    expect(await applyProjectionOp(clients.redis, 'acme', 'partial', 4, { kind: 'synced', at: '2024-04-01T10:00:00.000Z' }, P)).toEqual({ applied: false });
    const view = await snapshotOf('acme', 'partial');
    expect(view.entries).toEqual([{ key: 'a', json: '{"v":20}', version: 20 }]);
    expect(view.meta).toMatchObject({ seq: 21, count: 1, lastSyncedAt: '2024-05-01T10:00:00.000Z', generation: '' });
    expect(await clients.raw.hgetall(`${names.redisKeyPrefix}src:{acme}:partial:versions`)).toEqual({ a: '20', b: '21' });
  });
});
