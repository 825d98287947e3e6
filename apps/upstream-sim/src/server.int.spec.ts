// The simulator over a real socket (port 0), driven with fetch the way a connector would.
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from './item';
import { buildTestApp, datasetCounters, routeCounts } from './test-app';

describe('upstream-sim over HTTP', () => {
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    ({ app } = await buildTestApp());
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('serves pages, revalidates with ETags, reflects admin edits and counts requests', async () => {
    await fetch(`${base}/admin/stats/reset`, { method: 'POST' });

    const first = await fetch(`${base}/v1/datasets/demo/items?page=1`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-pages')).toBe('3');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    expect((await first.json()) as Item[]).toHaveLength(50);

    const revalidated = await fetch(`${base}/v1/datasets/demo/items?page=1`, { headers: { 'If-None-Match': etag ?? '' } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');

    const created = await fetch(`${base}/admin/datasets/demo/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Over the wire', price: 250 }),
    });
    expect(created.status).toBe(201);
    const item = (await created.json()) as Item;

    const changed = await fetch(`${base}/v1/datasets/demo/items?page=1`, { headers: { 'If-None-Match': etag ?? '' } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as Item[])[0]).toEqual(item);

    const stats = await fetch(`${base}/admin/stats`);
    expect(await stats.json()).toEqual({
      total: 3,
      requestsByRoute: routeCounts({ items: 3 }),
      byDataset: { demo: datasetCounters({ list: 2, notModified: 1 }, { items: 3 }) },
    });
  });

  it('drops the connection on an injected fault, links absolutely, and says 420 Error Limited on the wire', async () => {
    const put = (path: string, body: unknown) =>
      fetch(`${base}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await put('/admin/datasets/wire', { count: 30 });

    await put('/admin/datasets/wire/faults', { dropConnectionNext: 1 });
    await expect(fetch(`${base}/v1/datasets/wire/cursor-items`)).rejects.toThrow(TypeError);

    const linked = await fetch(`${base}/v1/datasets/wire/link-items?page_size=20`);
    expect(linked.headers.get('link')).toContain(`<${base}/v1/datasets/wire/link-items?page_size=20&page=2>; rel="next"`);

    await put('/admin/datasets/wire/limits', { errorLimit: 1 });
    expect((await fetch(`${base}/v1/datasets/wire/items?page=0`)).status).toBe(400);
    const limited = await fetch(`${base}/v1/datasets/wire/items`);
    expect([limited.status, limited.statusText]).toEqual([420, 'Error Limited']);
    expect(limited.headers.get('x-esi-error-limit-remain')).toBe('0');
  });
});
