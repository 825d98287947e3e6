// The simulator over a real socket (port 0), driven with fetch the way a connector would.
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from './item';
import { buildTestApp } from './test-app';

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
    expect(await stats.json()).toEqual({ total: 3, byDataset: { demo: { list: 2, notModified: 1, notFound: 0 } } });
  });
});
