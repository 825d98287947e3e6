// The four pagination styles over the same data: each walks the whole dataset exactly
// once, newest first (or by update with updated_since), revalidates with ETags and is
// counted per route.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Item } from './item';
import { seedItems } from './seed-items';
import { datasetCounters, routeCounts } from './test-app';
import { buildTestAppsClosedAfterEach } from './testing/closing-test-apps';

const build = buildTestAppsClosedAfterEach();

const NEWEST_IDS = Array.from({ length: 120 }, (_, i) => 120 - i);

function nextLink(res: LightMyRequestResponse): string | undefined {
  const header = res.headers['link'];
  const match = typeof header === 'string' ? /<([^>]+)>; rel="next"/.exec(header) : null;
  return match?.[1];
}

interface CursorPage {
  items: Item[];
  next_cursor: string | null;
}

async function walkCursor(app: FastifyInstance, firstUrl: string): Promise<CursorPage[]> {
  const pages: CursorPage[] = [];
  let url: string | undefined = firstUrl;
  while (url !== undefined) {
    const res: LightMyRequestResponse = await app.inject(url);
    expect(res.statusCode).toBe(200);
    const page = res.json<CursorPage>();
    pages.push(page);
    url = page.next_cursor === null ? undefined : `/v1/datasets/demo/cursor-items?limit=25&cursor=${page.next_cursor}`;
  }
  return pages;
}

async function walkLinks(app: FastifyInstance, firstUrl: string): Promise<Item[][]> {
  const pages: Item[][] = [];
  let url: string | undefined = firstUrl;
  while (url !== undefined) {
    const res: LightMyRequestResponse = await app.inject(url);
    expect(res.statusCode).toBe(200);
    pages.push(res.json<Item[]>());
    url = nextLink(res);
  }
  return pages;
}

describe('GET /v1/datasets/:dataset/items: updated_since and page_size', () => {
  it('keeps the default: 50 newest first, X-Pages 3', async () => {
    const { app } = await build();
    const res = await app.inject('/v1/datasets/demo/items');
    expect(res.headers['x-pages']).toBe('3');
    expect(res.json<Item[]>().map((item) => item.id)).toEqual(NEWEST_IDS.slice(0, 50));
  });

  it('overrides the page size per request, up to 1000', async () => {
    const { app } = await build();
    const res = await app.inject('/v1/datasets/demo/items?page_size=1000');
    expect(res.headers['x-pages']).toBe('1');
    expect(res.json<Item[]>()).toHaveLength(120);
    const small = await app.inject('/v1/datasets/demo/items?page=4&page_size=7');
    expect(small.headers['x-pages']).toBe('18');
    expect(small.json<Item[]>().map((item) => item.id)).toEqual(NEWEST_IDS.slice(21, 28));
  });

  it('lists only items updated after T, oldest update first, paged with X-Pages of the filtered set', async () => {
    const { app } = await build();
    const since = '2024-01-05T00:00:00.000Z';
    const expected = seedItems(42, 120)
      .filter((item) => item.updatedAt > since)
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id - b.id);
    const first = await app.inject(`/v1/datasets/demo/items?updated_since=${since}&page_size=20`);
    const pages = Number(first.headers['x-pages']);
    expect(pages).toBe(Math.ceil(expected.length / 20));
    const rest = await Promise.all(
      Array.from({ length: pages - 1 }, (_, i) => app.inject(`/v1/datasets/demo/items?updated_since=${since}&page_size=20&page=${i + 2}`)),
    );
    expect([first, ...rest].flatMap((res) => res.json<Item[]>())).toEqual(expected);
  });

  it('supports an incremental sync: resume after the newest updatedAt seen and get only the edits', async () => {
    const { app, clock } = await build();
    const all = seedItems(42, 120);
    const watermark = all.reduce((max, item) => (item.updatedAt > max ? item.updatedAt : max), '');
    expect((await app.inject(`/v1/datasets/demo/items?updated_since=${watermark}`)).json()).toEqual([]);
    clock.advance(1000);
    await app.inject({ method: 'PATCH', url: '/admin/datasets/demo/items/3', payload: { price: 1 } });
    await app.inject({ method: 'POST', url: '/admin/datasets/demo/items', payload: { name: 'new' } });
    const res = await app.inject(`/v1/datasets/demo/items?updated_since=${watermark}`);
    expect(res.json<Item[]>().map((item) => item.id)).toEqual([3, 121]);
  });
});

describe('GET /v1/datasets/:dataset/cursor-items', () => {
  it('walks every item once, newest first, under "items", ending with next_cursor null', async () => {
    const { app } = await build();
    const pages = await walkCursor(app, '/v1/datasets/demo/cursor-items?limit=25');
    expect(pages.map((page) => page.items.length)).toEqual([25, 25, 25, 25, 20]);
    expect(pages.flatMap((page) => page.items)).toEqual(seedItems(42, 120).reverse());
    expect(pages.at(-1)?.next_cursor).toBeNull();
  });

  it('defaults the limit to the page size and has a null cursor when all fit', async () => {
    const { app } = await build({ datasets: [{ name: 'demo', count: 50 }] });
    const body = (await app.inject('/v1/datasets/demo/cursor-items')).json<{ items: Item[]; next_cursor: null }>();
    expect(body.items).toHaveLength(50);
    expect(body.next_cursor).toBeNull();
  });

  it('gives stable cursors that survive inserts and deletes (keyset, not offset)', async () => {
    const { app } = await build();
    const first = (await app.inject('/v1/datasets/demo/cursor-items?limit=10')).json<{ next_cursor: string }>();
    const again = (await app.inject('/v1/datasets/demo/cursor-items?limit=10')).json<{ next_cursor: string }>();
    expect(again.next_cursor).toBe(first.next_cursor);
    await app.inject({ method: 'POST', url: '/admin/datasets/demo/items', payload: { name: 'newest' } });
    await app.inject({ method: 'DELETE', url: '/admin/datasets/demo/items/115' });
    const second = (await app.inject(`/v1/datasets/demo/cursor-items?limit=10&cursor=${first.next_cursor}`)).json<{ items: Item[] }>();
    expect(second.items.map((item) => item.id)).toEqual(NEWEST_IDS.slice(10, 20));
  });

  it('walks updated_since in update order with the cursor carrying the filter', async () => {
    const { app } = await build();
    const since = '2024-01-05T00:00:00.000Z';
    const expected = seedItems(42, 120)
      .filter((item) => item.updatedAt > since)
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id - b.id);
    const pages = await walkCursor(app, `/v1/datasets/demo/cursor-items?limit=25&updated_since=${since}`);
    expect(pages.flatMap((page) => page.items)).toEqual(expected);
  });
});

describe('GET /v1/datasets/:dataset/link-items', () => {
  it('follows rel="next" through every item, absent on the last page', async () => {
    const { app } = await build();
    const first = await app.inject('/v1/datasets/demo/link-items?page_size=40');
    expect(first.headers['x-pages']).toBeUndefined();
    expect(nextLink(first)).toBe('http://localhost/v1/datasets/demo/link-items?page_size=40&page=2');
    const pages = await walkLinks(app, '/v1/datasets/demo/link-items?page_size=40');
    expect(pages.map((page) => page.length)).toEqual([40, 40, 40]);
    expect(pages.flat()).toEqual(seedItems(42, 120).reverse());
    const last = await app.inject('/v1/datasets/demo/link-items?page=3&page_size=40');
    expect(last.headers['link']).not.toMatch(/rel="next"/);
    expect(last.headers['link']).toMatch(/rel="prev"/);
  });

  it('keeps updated_since in the links', async () => {
    const { app } = await build();
    const res = await app.inject('/v1/datasets/demo/link-items?updated_since=2024-01-01T00:00:00Z&page_size=100');
    expect(nextLink(res)).toBe('http://localhost/v1/datasets/demo/link-items?updated_since=2024-01-01T00%3A00%3A00Z&page_size=100&page=2');
  });
});

describe('GET /v1/datasets/:dataset/offset-items', () => {
  it('serves { data, total } windows by offset and limit', async () => {
    const { app } = await build();
    const res = await app.inject('/v1/datasets/demo/offset-items?offset=110&limit=30');
    expect(res.json()).toEqual({ data: seedItems(42, 120).reverse().slice(110), total: 120 });
    const defaults = await app.inject('/v1/datasets/demo/offset-items');
    expect(defaults.json<{ data: Item[] }>().data.map((item) => item.id)).toEqual(NEWEST_IDS.slice(0, 50));
    const past = await app.inject('/v1/datasets/demo/offset-items?offset=500');
    expect(past.json()).toEqual({ data: [], total: 120 });
  });

  it('totals only the filtered items with updated_since', async () => {
    const { app } = await build();
    const since = '2024-01-05T00:00:00.000Z';
    const count = seedItems(42, 120).filter((item) => item.updatedAt > since).length;
    expect((await app.inject(`/v1/datasets/demo/offset-items?updated_since=${since}&limit=1`)).json()).toMatchObject({ total: count });
  });
});

describe('every style', () => {
  const urls = [
    '/v1/datasets/demo/items?page=2',
    '/v1/datasets/demo/cursor-items?limit=10',
    '/v1/datasets/demo/link-items?page=2',
    '/v1/datasets/demo/offset-items?offset=50',
  ];

  it.each(urls)('%s: strong ETag, 304 on If-None-Match, caching and error-limit headers', async (url) => {
    const { app } = await build({ cacheMaxAgeSeconds: 30 });
    const first = await app.inject(url);
    expect(first.statusCode).toBe(200);
    expect(first.headers['etag']).toMatch(/^"[^"]+"$/);
    expect(first.headers['cache-control']).toBe('max-age=30');
    expect(first.headers['expires']).toBe('Sun, 01 Jun 2025 12:00:30 GMT');
    expect(first.headers['last-modified']).toMatch(/GMT$/);
    expect(first.headers['x-esi-error-limit-remain']).toBe('100');
    expect(first.headers['x-esi-error-limit-reset']).toBe('60');
    const again = await app.inject({ url, headers: { 'if-none-match': String(first.headers['etag']) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it.each(urls)('%s: 404 for an unknown dataset', async (url) => {
    const { app } = await build();
    const res = await app.inject(url.replace('demo', 'ghost'));
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'DATASET_NOT_FOUND' } });
  });

  it('counts requests per route and per dataset', async () => {
    const { app } = await build();
    for (const url of urls) await app.inject(url);
    await app.inject('/v1/datasets/demo/cursor-items?limit=0');
    await app.inject('/v1/datasets/ghost/offset-items');
    const stats = (await app.inject('/admin/stats')).json();
    expect(stats).toEqual({
      total: 6,
      requestsByRoute: routeCounts({ items: 1, cursorItems: 2, linkItems: 1, offsetItems: 2 }),
      byDataset: {
        demo: datasetCounters({ list: 4 }, { items: 1, cursorItems: 2, linkItems: 1, offsetItems: 1 }),
        ghost: datasetCounters({ notFound: 1 }, { offsetItems: 1 }),
      },
    });
  });
});
