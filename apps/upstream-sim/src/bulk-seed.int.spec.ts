// Benchmark-sized datasets: a million items seed in well under the test timeout and any
// page of them, in any order, is served from the indexes (O(page), no sort per request).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from './item';
import { seedColumns, seedItemAt } from './seed-items';
import { buildTestApp } from './test-app';

const COUNT = 1_000_000;

describe('a 1,000,000-item dataset', () => {
  let app: FastifyInstance;
  let seedMs: number;
  beforeAll(async () => {
    ({ app } = await buildTestApp({ datasets: [] }));
    const started = performance.now();
    const res = await app.inject({ method: 'PUT', url: '/admin/datasets/big', payload: { count: COUNT, seed: 42 } });
    seedMs = performance.now() - started;
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ itemCount: COUNT });
  }, 60_000);
  afterAll(() => app.close());

  it('seeds in a few seconds', () => {
    expect(seedMs).toBeLessThan(10_000);
  });

  it('serves the first, a middle and the last page of 1000 with exact content', async () => {
    const columns = seedColumns(42, 2000);
    const first = await app.inject('/v1/datasets/big/items?page_size=1000');
    expect(first.headers['x-pages']).toBe('1000');
    expect(first.json<Item[]>()[0]?.id).toBe(COUNT);
    const middle = await app.inject('/v1/datasets/big/items?page_size=1000&page=500');
    expect(middle.json<Item[]>().map((item) => item.id)).toEqual(Array.from({ length: 1000 }, (_, i) => 501_000 - i));
    const last = await app.inject('/v1/datasets/big/offset-items?offset=999000&limit=1000');
    const { data, total } = last.json<{ data: Item[]; total: number }>();
    expect(total).toBe(COUNT);
    expect(data.at(-1)).toEqual(seedItemAt(columns, 1));
    expect(data[0]).toEqual(seedItemAt(columns, 1000));
  });

  it('pages updated_since and cursors deep in the dataset', async () => {
    const since = '2200-01-01T00:00:00.000Z';
    const res = await app.inject(`/v1/datasets/big/items?updated_since=${since}&page_size=1000&page=3`);
    const items = res.json<Item[]>();
    expect(items).toHaveLength(1000);
    expect(items.every((item) => item.updatedAt > since)).toBe(true);
    for (let i = 1; i < items.length; i += 1) expect(items[i - 1]!.updatedAt <= items[i]!.updatedAt).toBe(true);

    const cursorPage = await app.inject(`/v1/datasets/big/cursor-items?updated_since=${since}&limit=1000`);
    const [firstUpdated] = cursorPage.json<{ items: Item[] }>().items;
    expect(firstUpdated!.updatedAt > since).toBe(true);
  });

  it('keeps edits in both orders; an edit lands after the seeded timeline, so an incremental sync sees it', async () => {
    const { lastModified } = (await app.inject('/admin/datasets/big')).json<{ lastModified: string }>();
    expect(lastModified > '2200-01-01').toBe(true);
    await app.inject({ method: 'PATCH', url: '/admin/datasets/big/items/123456', payload: { name: 'edited' } });
    await app.inject({ method: 'DELETE', url: '/admin/datasets/big/items/999999' });
    const created = (await app.inject({ method: 'POST', url: '/admin/datasets/big/items', payload: { name: 'new' } })).json<Item>();
    const top = (await app.inject('/v1/datasets/big/items?page_size=3')).json<Item[]>();
    expect(top.map((item) => item.id)).toEqual([created.id, 1_000_000, 999_998]);
    const changed = (await app.inject(`/v1/datasets/big/items?updated_since=${lastModified}`)).json<Item[]>();
    expect(changed.map((item) => [item.id, item.name])).toEqual([
      [123_456, 'edited'],
      [created.id, 'new'],
    ]);
  });
});
