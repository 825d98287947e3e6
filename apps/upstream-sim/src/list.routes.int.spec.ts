import { describe, expect, it } from 'vitest';
import type { Item } from './item';
import { seedItems } from './seed-items';
import { buildTestAppsClosedAfterEach } from './testing/closing-test-apps';

const build = buildTestAppsClosedAfterEach();

describe('GET /v1/datasets/:dataset/items', () => {
  it('serves page 1 by default: the 50 newest items, with X-Pages', async () => {
    const { app } = await build();
    const res = await app.inject('/v1/datasets/demo/items');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-pages']).toBe('3');
    const items = res.json<Item[]>();
    expect(items).toEqual(seedItems(42, 120).reverse().slice(0, 50));
    expect(items[0]?.id).toBe(120);
  });

  it('pages through every item exactly once, newest first, then answers [] past the end', async () => {
    const { app } = await build();
    const pages = await Promise.all([1, 2, 3, 4].map((page) => app.inject(`/v1/datasets/demo/items?page=${page}`)));
    expect(pages.map((res) => res.headers['x-pages'])).toEqual(['3', '3', '3', '3']);
    expect(pages.map((res) => res.json<Item[]>().length)).toEqual([50, 50, 20, 0]);
    const all = pages.flatMap((res) => res.json<Item[]>());
    expect(all.map((item) => item.id)).toEqual(Array.from({ length: 120 }, (_, i) => 120 - i));
    for (let i = 1; i < all.length; i += 1) expect(all[i - 1]!.createdAt >= all[i]!.createdAt).toBe(true);
  });

  it('reports one page for an empty dataset', async () => {
    const { app } = await build({ datasets: [{ name: 'empty', count: 0 }] });
    const res = await app.inject('/v1/datasets/empty/items');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-pages']).toBe('1');
    expect(res.json()).toEqual([]);
  });

  it('honours the configured page size', async () => {
    const { app } = await build({ pageSize: 7, datasets: [{ name: 'small', count: 15 }] });
    const res = await app.inject('/v1/datasets/small/items?page=3');
    expect(res.headers['x-pages']).toBe('3');
    expect(res.json<Item[]>().map((item) => item.id)).toEqual([1]);
  });

  it('sends caching headers', async () => {
    const { app } = await build({ cacheMaxAgeSeconds: 30 });
    const res = await app.inject('/v1/datasets/demo/items');
    expect(res.headers['cache-control']).toBe('max-age=30');
    expect(res.headers['expires']).toBe(new Date('2025-06-01T12:00:30.000Z').toUTCString());
    expect(res.headers['last-modified']).toMatch(/GMT$/);
  });

  it('gives the same ETag for the same seed in another instance', async () => {
    const a = await build();
    const b = await build();
    const [resA, resB] = await Promise.all([a.app.inject('/v1/datasets/demo/items'), b.app.inject('/v1/datasets/demo/items')]);
    expect(resA.headers['etag']).toMatch(/^"[^"]+"$/);
    expect(resA.headers['etag']).toBe(resB.headers['etag']);
  });

  it('answers 304 with no body when If-None-Match carries the current ETag', async () => {
    const { app } = await build();
    const first = await app.inject('/v1/datasets/demo/items?page=2');
    const etag = String(first.headers['etag']);
    const again = await app.inject({ url: '/v1/datasets/demo/items?page=2', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers['etag']).toBe(etag);
    expect(again.headers['x-pages']).toBe('3');
    const otherPage = await app.inject({ url: '/v1/datasets/demo/items?page=1', headers: { 'if-none-match': etag } });
    expect(otherPage.statusCode).toBe(200);
  });

  it('changes the ETag of exactly the page whose item was updated', async () => {
    const { app } = await build();
    const before = await Promise.all([1, 2].map((page) => app.inject(`/v1/datasets/demo/items?page=${page}`)));
    const patched = await app.inject({ method: 'PATCH', url: '/admin/datasets/demo/items/100', payload: { price: 1 } });
    expect(patched.statusCode).toBe(200);

    const page1 = await app.inject({
      url: '/v1/datasets/demo/items?page=1',
      headers: { 'if-none-match': String(before[0]?.headers['etag']) },
    });
    expect(page1.statusCode).toBe(200);
    expect(page1.headers['etag']).not.toBe(before[0]?.headers['etag']);
    expect(page1.json<Item[]>().find((item) => item.id === 100)).toMatchObject({ price: 1 });

    const page2 = await app.inject({
      url: '/v1/datasets/demo/items?page=2',
      headers: { 'if-none-match': String(before[1]?.headers['etag']) },
    });
    expect(page2.statusCode).toBe(304);
  });

  it('answers 404 with an error body for an unknown dataset', async () => {
    const { app } = await build();
    const res = await app.inject('/v1/datasets/ghost/items');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'DATASET_NOT_FOUND', message: 'dataset "ghost" does not exist' } });
  });
});
