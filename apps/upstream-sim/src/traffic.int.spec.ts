// Rate limits, the ESI error budget, injected faults and cache settings, set through the
// admin API and seen through every public list style. The clock is manual and latency is
// recorded, not waited for, so every assertion is exact.
import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Item } from './item';
import { seedItems } from './seed-items';
import { datasetCounters, routeCounts } from './test-app';
import { buildTestAppsClosedAfterEach } from './testing/closing-test-apps';

const build = buildTestAppsClosedAfterEach();

const put = (url: string, payload: unknown): InjectOptions => ({ method: 'PUT', url, payload: payload as InjectOptions['payload'] });
const LIST = '/v1/datasets/demo/items';

describe('rate limit', () => {
  it('answers 429 with Retry-After once the burst is spent, refills with the clock and counts rateLimited', async () => {
    const { app, clock } = await build();
    const set = await app.inject(put('/admin/datasets/demo/limits', { requestsPerSecond: 2, burst: 3 }));
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ requestsPerSecond: 2, burst: 3, errorLimit: 100, errorWindowSeconds: 60 });

    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await app.inject(LIST)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await app.inject('/v1/datasets/demo/cursor-items');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.json()).toEqual({ error: { code: 'RATE_LIMITED', message: 'rate limit exceeded for dataset "demo"' } });

    clock.advance(500);
    expect((await app.inject(LIST)).statusCode).toBe(200);
    expect((await app.inject(LIST)).statusCode).toBe(429);
    // Other datasets are not affected.
    await app.inject(put('/admin/datasets/other', { count: 1 }));
    expect((await app.inject('/v1/datasets/other/items')).statusCode).toBe(200);

    const stats = (await app.inject('/admin/stats')).json();
    expect(stats.byDataset.demo).toEqual(datasetCounters({ list: 4, rateLimited: 3 }, { items: 6, cursorItems: 1 }));

    expect((await app.inject({ method: 'DELETE', url: '/admin/datasets/demo/limits' })).statusCode).toBe(204);
    for (let i = 0; i < 5; i += 1) expect((await app.inject(LIST)).statusCode).toBe(200);
  });
});

describe('ESI error limit', () => {
  it('sends the budget on every answer, spends it on 4xx/5xx and answers 420 at zero until the window resets', async () => {
    const { app, clock } = await build();
    await app.inject(put('/admin/datasets/demo/limits', { errorLimit: 3, errorWindowSeconds: 60 }));
    clock.advance(15_000);
    const ok = await app.inject(LIST);
    expect([ok.headers['x-esi-error-limit-remain'], ok.headers['x-esi-error-limit-reset']]).toEqual(['3', '45']);

    const bad = await app.inject(`${LIST}?page=0`);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['x-esi-error-limit-remain']).toBe('2');
    await app.inject({ method: 'DELETE', url: '/admin/datasets/demo/items/1' });
    await app.inject('/v1/datasets/demo/offset-items?limit=5000');
    const last = await app.inject('/v1/datasets/demo/link-items?page=x');
    expect(last.headers['x-esi-error-limit-remain']).toBe('0');

    const limited = await app.inject(LIST);
    expect(limited.statusCode).toBe(420);
    expect(limited.statusMessage).toBe('Error Limited');
    expect(limited.json()).toMatchObject({ error: { code: 'ERROR_LIMITED' } });
    expect([limited.headers['x-esi-error-limit-remain'], limited.headers['x-esi-error-limit-reset']]).toEqual(['0', '45']);

    clock.advance(44_000);
    expect((await app.inject('/v1/datasets/demo/cursor-items')).statusCode).toBe(420);
    clock.advance(1_000);
    const reset = await app.inject(LIST);
    expect(reset.statusCode).toBe(200);
    expect([reset.headers['x-esi-error-limit-remain'], reset.headers['x-esi-error-limit-reset']]).toEqual(['3', '60']);

    const stats = (await app.inject('/admin/stats')).json();
    expect(stats.byDataset.demo).toMatchObject({ list: 2, errorLimited: 2 });
  });

  it('spends the budget on 429s, so a client ignoring Retry-After ends up error-limited', async () => {
    const { app } = await build();
    await app.inject(put('/admin/datasets/demo/limits', { requestsPerSecond: 1, errorLimit: 2 }));
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await app.inject(LIST)).statusCode);
    expect(statuses).toEqual([200, 429, 429, 420, 420]);
  });

  it('uses the app default (ESI: 100 per 60 s), also for unknown datasets', async () => {
    const { app } = await build({ errorLimit: 2 });
    await app.inject('/v1/datasets/ghost/items');
    await app.inject('/v1/datasets/ghost/items');
    const res = await app.inject('/v1/datasets/ghost/items');
    expect(res.statusCode).toBe(420);
    expect((await app.inject(LIST)).headers['x-esi-error-limit-remain']).toBe('2');
  });
});

describe('fault injection', () => {
  it('fails the next N requests of any style with the chosen status (and Retry-After), then recovers', async () => {
    const { app } = await build();
    const set = await app.inject(put('/admin/datasets/demo/faults', { failNext: { count: 2, status: 503, retryAfterSeconds: 7 } }));
    expect(set.json()).toEqual({ failNext: { count: 2, status: 503, retryAfterSeconds: 7 } });
    const first = await app.inject('/v1/datasets/demo/offset-items');
    expect(first.statusCode).toBe(503);
    expect(first.headers['retry-after']).toBe('7');
    expect(first.json()).toMatchObject({ error: { code: 'INJECTED_FAULT' } });
    expect(first.headers['x-esi-error-limit-remain']).toBe('99');
    expect((await app.inject(LIST)).statusCode).toBe(503);
    expect((await app.inject(LIST)).statusCode).toBe(200);
    expect((await app.inject('/admin/datasets/demo')).json().faults).toEqual({});
  });

  it('drops the connection of the next N requests without an answer, counting them as faulted', async () => {
    const { app } = await build();
    await app.inject(put('/admin/datasets/demo/faults', { dropConnectionNext: 1 }));
    await expect(app.inject('/v1/datasets/demo/link-items')).rejects.toThrow(/destroyed before completion/);
    expect((await app.inject('/v1/datasets/demo/link-items')).statusCode).toBe(200);
    const stats = (await app.inject('/admin/stats')).json();
    expect(stats.byDataset.demo).toEqual(datasetCounters({ list: 1, faulted: 1 }, { linkItems: 2 }));
  });

  it('waits the injected latency before every answer', async () => {
    const { app, sleeps } = await build();
    await app.inject(put('/admin/datasets/demo/faults', { latencyMs: 250 }));
    await app.inject(LIST);
    await app.inject('/v1/datasets/demo/cursor-items');
    expect(sleeps).toEqual([250, 250]);
    expect((await app.inject('/admin/stats')).json().byDataset.demo.list).toBe(2);
  });

  it('serves malformed JSON on the chosen pages of every style', async () => {
    const { app } = await build();
    await app.inject(put('/admin/datasets/demo/faults', { malformedPages: [2] }));
    const bad = [
      await app.inject(`${LIST}?page=2`),
      await app.inject('/v1/datasets/demo/link-items?page=2'),
      await app.inject('/v1/datasets/demo/offset-items?offset=50'),
    ];
    const cursor = (await app.inject('/v1/datasets/demo/cursor-items')).json<{ next_cursor: string }>().next_cursor;
    bad.push(await app.inject(`/v1/datasets/demo/cursor-items?cursor=${cursor}`));
    for (const res of bad) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(() => JSON.parse(res.body)).toThrow();
    }
    const page3 = (await app.inject(`${LIST}?page=3`)).body;
    expect(() => JSON.parse(page3)).not.toThrow();
    expect((await app.inject('/admin/stats')).json().byDataset.demo).toMatchObject({ faulted: 4, list: 2 });
  });

  it('renames the primary key on pages after shapeChangeAfterPage: a shape change mid-sync', async () => {
    const { app } = await build();
    await app.inject(put('/admin/datasets/demo/faults', { shapeChangeAfterPage: 1 }));
    expect((await app.inject(LIST)).json<Item[]>()[0]).toHaveProperty('id', 120);
    const page2 = (await app.inject(`${LIST}?page=2`)).json<Array<Record<string, unknown>>>();
    expect(page2[0]).toEqual({ item_id: 70, ...withoutId(seedItems(42, 70)[69]!) });
    expect(page2.every((record) => !('id' in record))).toBe(true);
    const offset = (await app.inject('/v1/datasets/demo/offset-items?offset=60&limit=30')).json<{ data: object[] }>();
    expect(offset.data[0]).toHaveProperty('item_id', 60);
  });

  it('repeats the first item at the end of duplicateIdsOnPage', async () => {
    const { app } = await build();
    await app.inject(put('/admin/datasets/demo/faults', { duplicateIdsOnPage: 3 }));
    const page3 = (await app.inject(`${LIST}?page=3`)).json<Item[]>();
    expect(page3.map((item) => item.id)).toEqual([...Array.from({ length: 20 }, (_, i) => 20 - i), 20]);
    expect((await app.inject(`${LIST}?page=2`)).json<Item[]>()).toHaveLength(50);
  });

  it('clears with DELETE, and faults survive a reseed but not a dataset delete', async () => {
    const { app } = await build();
    await app.inject(put('/admin/datasets/demo/faults', { malformedPages: [1] }));
    await app.inject(put('/admin/datasets/demo', { count: 10 }));
    expect((await app.inject('/admin/datasets/demo')).json().faults).toEqual({ malformedPages: [1] });
    expect((await app.inject({ method: 'DELETE', url: '/admin/datasets/demo/faults' })).statusCode).toBe(204);
    const clean = (await app.inject(LIST)).body;
    expect(() => JSON.parse(clean)).not.toThrow();

    await app.inject(put('/admin/datasets/demo/faults', { malformedPages: [1] }));
    await app.inject({ method: 'DELETE', url: '/admin/datasets/demo' });
    await app.inject(put('/admin/datasets/demo', { count: 10 }));
    expect((await app.inject('/admin/datasets/demo')).json().faults).toEqual({});
  });
});

describe('cache settings', () => {
  it('sets max-age and Expires per dataset, aligned ESI-style when asked, and restores the default', async () => {
    const { app, clock } = await build({ cacheMaxAgeSeconds: 5 });
    const set = await app.inject(put('/admin/datasets/demo/cache', { maxAgeSeconds: 300, aligned: true }));
    expect(set.json()).toEqual({ maxAgeSeconds: 300, aligned: true });
    clock.advance(60_000);
    const res = await app.inject('/v1/datasets/demo/offset-items');
    expect(res.headers['cache-control']).toBe('max-age=240');
    expect(res.headers['expires']).toBe('Sun, 01 Jun 2025 12:05:00 GMT');

    await app.inject(put('/admin/datasets/demo/cache', { maxAgeSeconds: 30 }));
    expect((await app.inject(LIST)).headers['expires']).toBe('Sun, 01 Jun 2025 12:01:30 GMT');
    await app.inject({ method: 'DELETE', url: '/admin/datasets/demo/cache' });
    expect((await app.inject(LIST)).headers['cache-control']).toBe('max-age=5');
  });
});

describe('GET /admin/datasets/:dataset', () => {
  it('shows the summary with the limits, faults, cache and live budget in effect', async () => {
    const { app } = await build();
    await app.inject(put('/admin/datasets/demo/limits', { requestsPerSecond: 5, errorLimit: 10 }));
    await app.inject(put('/admin/datasets/demo/faults', { latencyMs: 20, failNext: { count: 1, status: 500 } }));
    await app.inject(LIST);
    const res = await app.inject('/admin/datasets/demo');
    expect(res.json()).toEqual({
      name: 'demo',
      itemCount: 120,
      seed: 42,
      lastModified: expect.any(String),
      limits: { requestsPerSecond: 5, burst: 5, errorLimit: 10, errorWindowSeconds: 60 },
      faults: { latencyMs: 20 },
      cache: { maxAgeSeconds: 0, aligned: false },
      errorBudget: { remain: 9, resetSeconds: 60 },
      rateLimitTokens: 4,
    });
    expect((await app.inject('/admin/datasets/ghost')).statusCode).toBe(404);
  });

  it('admin calls are never rate limited or counted', async () => {
    const { app } = await build();
    await app.inject(put('/admin/datasets/demo/limits', { requestsPerSecond: 1, burst: 1, errorLimit: 1 }));
    for (let i = 0; i < 5; i += 1) expect((await app.inject('/admin/datasets/demo')).statusCode).toBe(200);
    expect((await app.inject('/admin/stats')).json()).toEqual({ total: 0, requestsByRoute: routeCounts(), byDataset: {} });
  });
});

function withoutId(item: Item): Omit<Item, 'id'> {
  const { id: _id, ...rest } = item;
  return rest;
}
