import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Item } from './item';
import { seedItems } from './seed-items';
import { datasetCounters, routeCounts, TEST_NOW } from './test-app';
import { buildTestAppsClosedAfterEach } from './testing/closing-test-apps';

const build = buildTestAppsClosedAfterEach();

async function listAll(app: FastifyInstance, dataset: string): Promise<Item[]> {
  const first = await app.inject(`/v1/datasets/${dataset}/items`);
  const pages = Number(first.headers['x-pages']);
  const rest = await Promise.all(
    Array.from({ length: pages - 1 }, (_, i) => app.inject(`/v1/datasets/${dataset}/items?page=${i + 2}`)),
  );
  return [first, ...rest].flatMap((res) => res.json<Item[]>());
}

describe('admin datasets', () => {
  it('PUT creates (201) then reseeds (200) deterministically, defaulting to the app seed', async () => {
    const { app } = await build({ seed: 7 });
    const created = await app.inject({ method: 'PUT', url: '/admin/datasets/orders', payload: { count: 60 } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'orders', itemCount: 60, seed: 7 });
    expect(await listAll(app, 'orders')).toEqual(seedItems(7, 60).reverse());

    const reseeded = await app.inject({ method: 'PUT', url: '/admin/datasets/orders', payload: { count: 3, seed: 9 } });
    expect(reseeded.statusCode).toBe(200);
    expect(await listAll(app, 'orders')).toEqual(seedItems(9, 3).reverse());

    const emptied = await app.inject({ method: 'PUT', url: '/admin/datasets/orders' });
    expect(emptied.statusCode).toBe(200);
    expect(await listAll(app, 'orders')).toEqual([]);
  });

  it('lists and deletes datasets', async () => {
    const { app } = await build();
    const list = await app.inject('/admin/datasets');
    expect(list.json()).toEqual([{ name: 'demo', itemCount: 120, seed: 42, lastModified: expect.any(String) }]);
    expect((await app.inject({ method: 'DELETE', url: '/admin/datasets/demo' })).statusCode).toBe(204);
    expect((await app.inject('/v1/datasets/demo/items')).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/admin/datasets/demo' })).statusCode).toBe(404);
  });
});

describe('admin items', () => {
  it('POST adds an item that appears first in the list, creating the dataset if missing', async () => {
    const { app } = await build();
    const res = await app.inject({
      method: 'POST',
      url: '/admin/datasets/demo/items',
      payload: { name: 'Widget', price: 1999, quantity: 3 },
    });
    expect(res.statusCode).toBe(201);
    const item = res.json<Item>();
    expect(item).toEqual({ id: 121, name: 'Widget', price: 1999, quantity: 3, createdAt: TEST_NOW, updatedAt: TEST_NOW });
    expect(res.headers['location']).toBe('/admin/datasets/demo/items/121');
    const page1 = await app.inject('/v1/datasets/demo/items');
    expect(page1.json<Item[]>()[0]).toEqual(item);

    const fresh = await app.inject({ method: 'POST', url: '/admin/datasets/fresh/items', payload: { name: 'first' } });
    expect(fresh.statusCode).toBe(201);
    expect(fresh.json()).toMatchObject({ id: 1, price: 0, quantity: 0 });
    expect((await app.inject('/v1/datasets/fresh/items')).json()).toHaveLength(1);
  });

  it('X-Pages grows when an item crosses a page boundary', async () => {
    const { app } = await build({ datasets: [{ name: 'demo', count: 100 }] });
    expect((await app.inject('/v1/datasets/demo/items')).headers['x-pages']).toBe('2');
    await app.inject({ method: 'POST', url: '/admin/datasets/demo/items', payload: { name: 'one more' } });
    expect((await app.inject('/v1/datasets/demo/items')).headers['x-pages']).toBe('3');
  });

  it('GET and PATCH one item; PATCH bumps updatedAt and the list shows the change', async () => {
    const { app, clock } = await build();
    const before = (await app.inject('/admin/datasets/demo/items/5')).json<Item>();
    expect(before).toEqual(seedItems(42, 5)[4]);
    clock.advance(5_000);
    const res = await app.inject({ method: 'PATCH', url: '/admin/datasets/demo/items/5', payload: { name: 'Renamed' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ...before, name: 'Renamed', updatedAt: '2025-06-01T12:00:05.000Z' });
    const all = await listAll(app, 'demo');
    expect(all.find((item) => item.id === 5)).toEqual(res.json());
    // Edits do not reorder: the list is by createdAt.
    expect(all.map((item) => item.id)).toEqual(Array.from({ length: 120 }, (_, i) => 120 - i));
  });

  it('DELETE removes an item from the list and answers 404 after', async () => {
    const { app } = await build();
    const res = await app.inject({ method: 'DELETE', url: '/admin/datasets/demo/items/120' });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    const all = await listAll(app, 'demo');
    expect(all).toHaveLength(119);
    expect(all[0]?.id).toBe(119);
    expect((await app.inject('/admin/datasets/demo/items/120')).json()).toEqual({
      error: { code: 'ITEM_NOT_FOUND', message: 'item 120 does not exist in dataset "demo"' },
    });
    expect((await app.inject({ method: 'DELETE', url: '/admin/datasets/demo/items/120' })).statusCode).toBe(404);
  });
});

describe('request counters', () => {
  it('count public list requests by outcome, never admin calls, and reset', async () => {
    const { app } = await build();
    const first = await app.inject('/v1/datasets/demo/items');
    await app.inject('/v1/datasets/demo/items?page=2');
    await app.inject({ url: '/v1/datasets/demo/items', headers: { 'if-none-match': String(first.headers['etag']) } });
    await app.inject('/v1/datasets/ghost/items');
    await app.inject('/v1/datasets/demo/items?page=0');
    await app.inject('/admin/datasets/demo/items/1');
    await app.inject({ method: 'PATCH', url: '/admin/datasets/demo/items/1', payload: {} });

    const stats = await app.inject('/admin/stats');
    expect(stats.json()).toEqual({
      total: 5,
      requestsByRoute: routeCounts({ items: 5 }),
      byDataset: {
        demo: datasetCounters({ list: 2, notModified: 1 }, { items: 4 }),
        ghost: datasetCounters({ notFound: 1 }, { items: 1 }),
      },
    });

    const reset = await app.inject({ method: 'POST', url: '/admin/stats/reset' });
    expect(reset.statusCode).toBe(204);
    expect((await app.inject('/admin/stats')).json()).toEqual({ total: 0, requestsByRoute: routeCounts(), byDataset: {} });
  });
});

describe('service plumbing', () => {
  it('serves health, readiness (no dependencies) and metrics', async () => {
    const { app } = await build();
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok', service: 'upstream-sim' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: {} });
    expect((await app.inject('/metrics')).statusCode).toBe(200);
  });

  it('answers unknown routes with the error shape', async () => {
    const { app } = await build();
    const res = await app.inject('/v2/nothing?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: 'no route for GET /v2/nothing' } });
  });

  it('hides the details of a 500', async () => {
    const { app } = await build();
    app.get('/boom', async () => {
      throw new Error('secret connection string');
    });
    const res = await app.inject('/boom');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Internal Server Error' } });
  });
});
