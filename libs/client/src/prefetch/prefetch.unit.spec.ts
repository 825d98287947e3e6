import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SNAPSHOT_MAX_LIMIT } from '@freshet/contracts';
import { createHttpClient } from '../io/http';
import { loadSnapshot } from '../io/snapshot-loader';
import { SNAPSHOT_PAGE_LIMIT, snapshotUrl, sourcesUrl } from '../io/urls';
import { PREFETCH_MAX_AGE_MS, clearPrefetched, prefetch, prefetchedOr, takePrefetched } from './prefetch';

afterEach(() => clearPrefetched());

const answering = (body: unknown) => {
  const calls: string[] = [];
  const fetchFn: typeof fetch = async (input) => {
    calls.push(String(input));
    return Response.json(body);
  };
  return { calls, fetchFn };
};

describe('early answers', () => {
  it('are taken once by URL, and both the booting page and the client read the whole body', async () => {
    const { calls, fetchFn } = answering({ tenant: 'acme' });
    const own = prefetch('/v1/session', {}, fetchFn);
    const taken = takePrefetched('/v1/session');
    expect(taken).toBeDefined();
    expect(await (await own).json()).toEqual({ tenant: 'acme' });
    expect(await (await taken!).json()).toEqual({ tenant: 'acme' });
    expect(takePrefetched('/v1/session')).toBeUndefined();
    expect(calls).toEqual(['/v1/session']);
  });

  it('are not used once older than the limit: newer data would be shown later than it could be', () => {
    const { fetchFn } = answering({});
    const at = Date.now();
    prefetch('/v1/x', {}, fetchFn, at);
    expect(takePrefetched('/v1/x', at + PREFETCH_MAX_AGE_MS + 1)).toBeUndefined();
  });

  it('are asked for again when the early request failed', async () => {
    prefetch('/v1/x', {}, async () => Promise.reject(new TypeError('network down'))).catch(() => undefined);
    const answer = await prefetchedOr('/v1/x', async () => Response.json({ again: true }));
    expect(await answer.json()).toEqual({ again: true });
  });

  it('answer the client GET of the same URL without a second request, and never a POST', async () => {
    const { calls, fetchFn } = answering({ ok: true });
    const http = createHttpClient({ baseUrl: '', auth: { kind: 'cookie' }, fetch: fetchFn, timeoutMs: 1000 });
    const early = answering({ early: true });
    prefetch(sourcesUrl('', 'acme'), {}, early.fetchFn);
    expect(await http.get('/v1/tenants/acme/sources', { query: { limit: 500 }, schema: z.object({ early: z.boolean() }) })).toEqual({ early: true });
    expect(calls).toEqual([]);
    prefetch('/v1/y', {}, early.fetchFn);
    await http.post('/v1/y', { schema: z.object({ ok: z.boolean() }) });
    expect(calls).toEqual(['/v1/y']);
  });

  it('match the snapshot loader: its first page is the URL snapshotUrl() builds, at the gateway maximum', async () => {
    expect(SNAPSHOT_PAGE_LIMIT).toBe(SNAPSHOT_MAX_LIMIT);
    const page = { records: [{ key: 'a', record: { id: 'a' } }], meta: { tenant: 'acme', source: 'stock', count: 1, epoch: 'e1', seq: 7, state: 'fresh', servedFrom: 'cache', lastSyncedAt: null, ageMs: null, staleAfterMs: 60_000 }, position: 'e1:7' };
    const early = answering(page);
    prefetch(snapshotUrl('', 'acme', 'stock'), {}, early.fetchFn);
    const { calls, fetchFn } = answering(page);
    const http = createHttpClient({ baseUrl: '', auth: { kind: 'cookie' }, fetch: fetchFn, timeoutMs: 1000 });
    const loaded = await loadSnapshot(http, 'acme', 'stock', { maxRecords: 10 }).catch((error: unknown) => error);
    expect(calls).toEqual([]);
    expect(early.calls).toEqual(['/v1/tenants/acme/sources/stock/snapshot?limit=1000']);
    expect(loaded).toMatchObject({ records: [{ key: 'a' }] });
  });
});
