import { describe, expect, it } from 'vitest';
import { FakeGateway } from '../testing/fake-gateway';
import { EPOCH, snapshotMeta } from '../testing/events';
import { createHttpClient } from './http';
import { loadSnapshot } from './snapshot-loader';

function setup(records = 2_500) {
  const gateway = new FakeGateway();
  gateway.snapshots.set('orders', {
    records: Array.from({ length: records }, (_, i) => ({ key: `k${String(i).padStart(5, '0')}`, record: { i } })),
    meta: snapshotMeta(40, { count: records }),
  });
  const http = createHttpClient({ baseUrl: 'http://gw.test', auth: { kind: 'bearer', token: 't' }, fetch: gateway.fetch, timeoutMs: 1_000 });
  return { gateway, http };
}

describe('snapshot loader', () => {
  it('walks every page (limit 1000) and returns the walk position', async () => {
    const { gateway, http } = setup();
    const snapshot = await loadSnapshot(http, 'acme', 'orders', { maxRecords: 50_000 });
    expect(snapshot.records).toHaveLength(2_500);
    expect(snapshot.position).toEqual({ epoch: EPOCH, seq: 40 });
    expect(gateway.requests.map((r) => [r.url.pathname, r.url.searchParams.get('limit'), r.url.searchParams.get('cursor')])).toEqual([
      ['/v1/tenants/acme/sources/orders/snapshot', '1000', null],
      ['/v1/tenants/acme/sources/orders/snapshot', '1000', '1000'],
      ['/v1/tenants/acme/sources/orders/snapshot', '1000', '2000'],
    ]);
  });

  it('refuses more records than the cap', async () => {
    const { http } = setup();
    await expect(loadSnapshot(http, 'acme', 'orders', { maxRecords: 1_500 })).rejects.toMatchObject({ code: 'SNAPSHOT_TOO_LARGE' });
  });

  it('starts over when the walk is reset (409) or its position moves', async () => {
    const { gateway, http } = setup();
    const fetchOnce = gateway.fetch;
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls += 1;
      if (calls === 2) return Response.json({ error: 'SNAPSHOT_RESET', message: 'rebuilt' }, { status: 409 });
      if (calls === 4) gateway.snapshots.get('orders')!.meta = snapshotMeta(41, { count: 2_500 });
      return fetchOnce(input, init);
    };
    const snapshot = await loadSnapshot(createHttpClient({ ...http.options, fetch: flaky }), 'acme', 'orders', { maxRecords: 50_000 });
    expect(snapshot.position.seq).toBe(41);
    expect(snapshot.records).toHaveLength(2_500);
    // 1 ok + 409, then 1 page ok and a page at a moved position, then a whole walk of 3.
    expect(calls).toBe(7);
  });

  it('gives up after a few voided walks, and passes other errors through', async () => {
    const { http } = setup();
    const reset: typeof fetch = async () => Response.json({ error: 'SNAPSHOT_RESET', message: 'rebuilt' }, { status: 409 });
    await expect(loadSnapshot(createHttpClient({ ...http.options, fetch: reset }), 'acme', 'orders', { maxRecords: 10 })).rejects.toMatchObject({ code: 'SNAPSHOT_RESET' });
    await expect(loadSnapshot(http, 'acme', 'nope', { maxRecords: 10 })).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND', status: 404 });
  });
});
