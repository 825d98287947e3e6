// The HTTP sync engine against a real HTTP server on loopback (testing/list-server.ts):
// every strategy, every paging style, auth, errors, the upstream gate and flat memory.
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { httpConnectorSchema, sourceDefinitionSchema, type HttpConnector } from '@freshet/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError, InvalidUpstreamPageError, UpstreamHttpError, UpstreamUnavailableError } from '../connector-errors';
import { diffPage, type FetchedRecord } from '../record-diff';
import { emptySyncStats, httpSync, type HttpSyncBatch, type HttpSyncOptions, type HttpSyncStats } from './http-sync';
import { MissingSecretError } from './secrets';
import type { SyncCursor } from './sync-cursor';
import { startListServer, type ListItem, type ListServer, type ListServerOptions } from './testing/list-server';
import type { GateUpstream, UpstreamGate } from './upstream-gate';

type RecordsBatch = Extract<HttpSyncBatch, { kind: 'records' }>;
type EndBatch = Extract<HttpSyncBatch, { kind: 'end' }>;

const SECRET = 'sk_live_0123456789abcdef';
const secrets = { env: { LIST_API_KEY: SECRET } };

const servers: ListServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: ListServerOptions): Promise<ListServer> {
  const server = await startListServer(options);
  servers.push(server);
  return server;
}

/** A plain http connector on the server's page-number route with X-Pages. */
function connector(server: ListServer, over: Record<string, unknown> = {}): HttpConnector {
  return httpConnectorSchema.parse({
    type: 'http',
    baseUrl: server.baseUrl,
    path: '/items',
    pagination: { type: 'pageNumber', totalPagesHeader: 'x-pages' },
    ...over,
  });
}

function preset(server: ListServer, input: Record<string, unknown>): HttpConnector {
  const connector = sourceDefinitionSchema.parse({ tenant: 'demo', source: 'items', connector: { baseUrl: server.baseUrl, path: '/items', ...input } }).connector;
  if (connector.type !== 'http') throw new Error('presets expand to http');
  return connector;
}

interface Run {
  batches: HttpSyncBatch[];
  pages: RecordsBatch[];
  records: FetchedRecord[];
  keys: string[];
  stats: HttpSyncStats;
}

async function sync(config: HttpConnector, cursor: SyncCursor = {}, options: HttpSyncOptions = {}): Promise<Run & { end: EndBatch }> {
  const stats = options.stats ?? emptySyncStats();
  const batches: HttpSyncBatch[] = [];
  for await (const batch of httpSync(config, cursor, { secrets, ...options, stats })) batches.push(batch);
  const end = batches.at(-1);
  if (end?.kind !== 'end') throw new Error('no end batch');
  expect(batches.filter((b) => b.kind === 'end')).toHaveLength(1);
  return { ...summary(batches, stats), end };
}

async function syncUntilError(config: HttpConnector, cursor: SyncCursor = {}, options: HttpSyncOptions = {}): Promise<Run & { error: unknown }> {
  const stats = options.stats ?? emptySyncStats();
  const batches: HttpSyncBatch[] = [];
  try {
    for await (const batch of httpSync(config, cursor, { secrets, ...options, stats })) batches.push(batch);
  } catch (error) {
    return { ...summary(batches, stats), error };
  }
  throw new Error(`sync did not fail (${batches.length} batches)`);
}

function summary(batches: HttpSyncBatch[], stats: HttpSyncStats): Run {
  const pages = batches.filter((b): b is RecordsBatch => b.kind === 'records');
  const records = pages.flatMap((b) => b.records);
  return { batches, pages, records, keys: records.map((r) => r.key), stats };
}

const keysOf = (items: readonly ListItem[]) => items.map((i) => String(i.id));
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(to - i));

describe('full listing', () => {
  it('pages 2,500 items at 50 a page in 50 requests, one batch per page, listing complete', async () => {
    const server = await serve({ items: 2500 });
    const run = await sync(connector(server));

    expect(server.count('items')).toBe(50);
    expect(server.requests.map((r) => r.query.get('page'))).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
    expect(run.pages).toHaveLength(50);
    expect(run.pages.map((p) => p.page)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(run.pages.every((p) => p.records.length === 50 && p.skipped === 0 && p.cursor === undefined)).toBe(true);
    expect(run.keys).toEqual(ids(1, 2500));
    expect(run.records[0]?.record).toEqual(server.items[0]);
    expect(run.end).toEqual({ kind: 'end', listingComplete: true, notModified: false, cursor: {}, notes: [] });
    expect(run.stats).toEqual({ requests: 50, pages: 50, notModified: 0, skipped: 0, savedRequests: 0 });
  });

  it('sends the source’s query and headers on every page and never a conditional request', async () => {
    const server = await serve({ items: 120 });
    await sync(connector(server, { query: { lang: 'en' }, headers: { 'X-Client': 'freshet' } }), { etag: '"stale"' });
    expect(server.count()).toBe(3);
    for (const r of server.requests) {
      expect(r.query.get('lang')).toBe('en');
      expect(r.headers['x-client']).toBe('freshet');
      expect(r.headers['accept']).toBe('application/json');
      expect(r.headers['if-none-match']).toBeUndefined();
    }
  });

  it('requests the list under the base URL’s path', async () => {
    // Bug: new URL('/items', 'http://host/api') drops "/api".
    const server = await serve({ items: 10 });
    const run = await sync(connector(server, { baseUrl: `${server.baseUrl}/api` }));
    expect(run.keys).toHaveLength(10);
    expect(server.requests.map((r) => r.path)).toEqual(['/api/items']);
  });
});

describe('stopAtId with ETag (esi-list preset)', () => {
  it('lists everything once, then only what is new, then nothing (304), then falls back to full when the cursor vanished', async () => {
    const server = await serve({ items: 2500 });
    const config = preset(server, { type: 'esi-list' });

    // 1. First sync: everything.
    const first = await sync(config);
    expect(server.count()).toBe(50);
    expect(first.keys).toEqual(ids(1, 2500));
    expect(first.end.listingComplete).toBe(true);
    expect(first.end.notes).toEqual([]);
    expect(first.end.cursor).toEqual({ lastSeenId: '2500', etag: expect.stringMatching(/^"[0-9a-f]+"$/), totalPages: 50 });
    expect(first.pages.every((p) => p.cursor === undefined)).toBe(true);
    const etag1 = first.end.cursor.etag;

    // 2. Three new items: one request, only the new ones.
    server.resetCounts();
    server.add(3);
    const second = await sync(config, first.end.cursor);
    expect(server.count()).toBe(1);
    expect(server.requests[0]?.headers['if-none-match']).toBe(etag1);
    expect(server.requests[0]?.status).toBe(200);
    expect(second.keys).toEqual(['2503', '2502', '2501']);
    expect(second.pages).toHaveLength(1);
    expect(second.end.listingComplete).toBe(false);
    expect(second.end.notModified).toBe(false);
    // 2,503 items are 51 pages now: a full listing would have made 51 requests, this one made 1.
    expect(second.stats).toMatchObject({ requests: 1, pages: 1, savedRequests: 50 });
    expect(second.end.cursor).toEqual({ lastSeenId: '2503', etag: expect.any(String), totalPages: 51 });
    expect(second.end.cursor.etag).not.toBe(etag1);

    // 3. Nothing new: one conditional request answered 304.
    server.resetCounts();
    const third = await sync(config, second.end.cursor);
    expect(server.count()).toBe(1);
    expect(server.requests[0]?.status).toBe(304);
    expect(third.batches).toEqual([
      { kind: 'end', listingComplete: false, notModified: true, cursor: second.end.cursor, notes: ['page 1 not modified (ETag)'] },
    ]);
    expect(third.stats).toEqual({ requests: 1, pages: 0, notModified: 1, skipped: 0, savedRequests: 50 });

    // 4. The last seen item is deleted upstream: the cursor vanished, page everything.
    server.resetCounts();
    server.remove(2503);
    const fourth = await sync(config, third.end.cursor);
    expect(server.count()).toBe(51);
    expect(fourth.keys).toEqual(ids(1, 2502));
    expect(fourth.end.listingComplete).toBe(true);
    expect(fourth.end.notes).toEqual([expect.stringContaining('fell back to a full sync')]);
    expect(fourth.end.notes[0]).toContain('2503');
    expect(fourth.end.cursor).toEqual({ lastSeenId: '2502', etag: expect.any(String), totalPages: 51 });
  });

  it('stops on a later page when the last seen id is there', async () => {
    const server = await serve({ items: 500 });
    const config = preset(server, { type: 'esi-list' });
    const first = await sync(config);
    server.resetCounts();
    server.add(120);
    const next = await sync(config, first.end.cursor);
    expect(server.count()).toBe(3);
    expect(next.keys).toEqual(ids(501, 620));
    expect(next.pages.map((p) => p.records.length)).toEqual([50, 50, 20]);
    expect(next.end.listingComplete).toBe(false);
    expect(next.stats.savedRequests).toBe(13 - 3);
  });

  it('forceFull ignores the cursor and its ETag', async () => {
    const server = await serve({ items: 100 });
    const config = preset(server, { type: 'esi-list' });
    const first = await sync(config);
    server.resetCounts();
    const full = await sync(config, first.end.cursor, { forceFull: true });
    expect(server.count()).toBe(2);
    expect(server.requests[0]?.headers['if-none-match']).toBeUndefined();
    expect(full.keys).toHaveLength(100);
    expect(full.end.listingComplete).toBe(true);
    expect(full.end.notes).toEqual(['full sync requested']);
  });

  it('keeps the last full listing’s page count when page 1 has no total-pages header', async () => {
    // Bug: pageCountOf reads Number(null) = 0 for a missing header, so totalPages becomes 0.
    const server = await serve({ items: 230 });
    const config = connector(server, { query: { no_total: '1' }, incremental: { strategy: 'stopAtId' } });
    const first = await sync(config);
    expect(server.count()).toBe(6); // 5 pages and the empty one that ends the list
    expect(first.end.cursor.totalPages).toBe(6);
    server.add(2);
    const next = await sync(config, first.end.cursor);
    expect(next.keys).toEqual(['232', '231']);
    expect(next.end.cursor.totalPages).toBe(6);
    expect(next.stats.savedRequests).toBe(5);
  });
});

describe('updatedSince', () => {
  const updatedSince = (server: ListServer) => connector(server, { incremental: { strategy: 'updatedSince' } });

  it('lists everything first, then asks only for what changed since the highest updatedAt', async () => {
    const server = await serve({ items: 500 });
    const config = updatedSince(server);
    const first = await sync(config);
    expect(server.count()).toBe(10);
    expect(server.requests.every((r) => !r.query.has('updated_since'))).toBe(true);
    expect(first.keys).toHaveLength(500);
    expect(first.end.listingComplete).toBe(true);
    const newest = server.items[0]?.updatedAt;
    expect(first.end.cursor).toEqual({ since: newest });

    server.resetCounts();
    const [a, b] = server.update([17, 300]);
    const next = await sync(config, first.end.cursor);
    expect(server.count()).toBe(1);
    expect(server.requests[0]?.query.get('updated_since')).toBe(newest);
    expect(next.keys).toEqual(['17', '300']);
    expect(next.records.map((r) => r.record)).toEqual([a, b]);
    expect(next.pages[0]?.cursor).toEqual({ since: b?.updatedAt });
    expect(next.end).toEqual({ kind: 'end', listingComplete: false, notModified: false, cursor: { since: b?.updatedAt }, notes: [] });

    server.resetCounts();
    const idle = await sync(config, next.end.cursor);
    expect(server.count()).toBe(1);
    expect(idle.pages).toEqual([]);
    expect(idle.end.cursor).toEqual(next.end.cursor);
  });

  it('advances each batch’s cursor to the highest updatedAt of its page, keeping the param on every page', async () => {
    const server = await serve({ items: 500 });
    const config = updatedSince(server);
    const since = (await sync(config)).end.cursor;
    server.resetCounts();
    const updated = server.update(Array.from({ length: 120 }, (_, i) => 400 - i * 3));
    const next = await sync(config, since);
    expect(server.count()).toBe(3);
    expect(server.requests.map((r) => [r.query.get('page'), r.query.get('updated_since')])).toEqual([
      ['1', since.since],
      ['2', since.since],
      ['3', since.since],
    ]);
    expect(next.keys).toEqual(keysOf(updated));
    expect(next.pages.map((p) => p.cursor)).toEqual([
      { since: updated[49]?.updatedAt },
      { since: updated[99]?.updatedAt },
      { since: updated[119]?.updatedAt },
    ]);
    expect(next.end.cursor).toEqual({ since: updated[119]?.updatedAt });
  });

  it('a failure on page 2 leaves page 1’s cursor as the last one yielded; resuming from it gets the rest exactly once', async () => {
    const server = await serve({ items: 500 });
    const config = updatedSince(server);
    const since = (await sync(config)).end.cursor;
    const updated = server.update(Array.from({ length: 120 }, (_, i) => i + 1));
    server.fault({ route: 'items', page: 2, fault: { status: 500 } });

    const failed = await syncUntilError(config, since);
    expect(failed.error).toBeInstanceOf(UpstreamHttpError);
    expect(failed.pages.map((p) => p.page)).toEqual([1]);
    const stored = failed.pages.at(-1)?.cursor;
    expect(stored).toEqual({ since: updated[49]?.updatedAt });

    const resumed = await sync(config, stored);
    expect([...failed.keys, ...resumed.keys]).toEqual(keysOf(updated));
  });

  it('a first sync that fails on page 2 yields no cursor that would skip the pages it never read', async () => {
    // Bug: without a since the list comes newest first (the filter is what orders it
    // oldest first), so page 1's batch cursor is the newest updatedAt of all. A caller
    // that stores it with page 1 (as ingest does) never lists pages 2..N.
    const server = await serve({ items: 500 });
    const config = updatedSince(server);
    server.fault({ route: 'items', page: 2, fault: { status: 503 } });
    const failed = await syncUntilError(config);
    expect(failed.pages).toHaveLength(1);
    const stored = failed.pages.at(-1)?.cursor ?? {};

    const next = await sync(config, stored);
    expect(new Set([...failed.keys, ...next.keys]).size).toBe(500);
  });
});

describe('etag strategy', () => {
  it('answers notModified after one request while page 1 is unchanged, and lists everything with a new ETag once it changed', async () => {
    const server = await serve({ items: 500, etag: 'list' });
    const config = connector(server, { incremental: { strategy: 'etag' } });
    const first = await sync(config);
    expect(server.count()).toBe(10);
    expect(first.end).toMatchObject({ listingComplete: true, notModified: false, cursor: { etag: '"list-v0"', totalPages: 10 } });

    server.resetCounts();
    const same = await sync(config, first.end.cursor);
    expect(server.count()).toBe(1);
    expect(server.requests[0]?.headers['if-none-match']).toBe('"list-v0"');
    expect(server.requests[0]?.status).toBe(304);
    expect(same.pages).toEqual([]);
    expect(same.end).toMatchObject({ listingComplete: false, notModified: true, cursor: first.end.cursor });
    expect(same.stats).toMatchObject({ requests: 1, notModified: 1, savedRequests: 9 });

    server.resetCounts();
    server.update([3]);
    const changed = await sync(config, same.end.cursor);
    expect(server.count()).toBe(10);
    expect(changed.keys).toHaveLength(500);
    expect(changed.records.find((r) => r.key === '3')?.record['name']).toBe('item 3 (edited)');
    expect(changed.end).toMatchObject({ listingComplete: true, notModified: false, cursor: { etag: '"list-v1"', totalPages: 10 } });
  });
});

describe('paging styles list every item exactly once', () => {
  const expectAllOnce = (run: Run, server: ListServer) => {
    expect(run.keys).toEqual(keysOf(server.items));
    expect(new Set(run.keys).size).toBe(server.items.length);
  };

  it('cursor, with a nested next cursor and a limit', async () => {
    const server = await serve({ items: 237 });
    const config = connector(server, {
      path: '/cursor-items',
      recordSelector: 'data',
      pagination: { type: 'cursor', nextCursorPath: 'meta.next', limitParam: 'limit', limit: 50 },
    });
    const run = await sync(config);
    expectAllOnce(run, server);
    expect(server.count('cursor-items')).toBe(5);
    expect(server.requests[0]?.query.has('cursor')).toBe(false);
    expect(server.requests.every((r) => r.query.get('limit') === '50')).toBe(true);
    expect(run.end.listingComplete).toBe(true);
  });

  it('link, following relative rel="next" targets among several links', async () => {
    const server = await serve({ items: 237 });
    const run = await sync(connector(server, { path: '/link-items', query: { per_page: '50' }, pagination: { type: 'link' } }));
    expectAllOnce(run, server);
    expect(server.requests.map((r) => r.query.get('page'))).toEqual([null, '2', '3', '4', '5']);
    expect(run.pages.map((p) => p.page)).toEqual([1, 2, 3, 4, 5]);
  });

  it('offset with a total: no request past the end, also on an exact multiple', async () => {
    for (const count of [237, 250]) {
      const server = await serve({ items: count });
      const run = await sync(connector(server, { path: '/offset-items', recordSelector: 'results', pagination: { type: 'offset', limit: 50, totalPath: 'total' } }));
      expectAllOnce(run, server);
      expect(server.requests.map((r) => r.query.get('offset'))).toEqual(['0', '50', '100', '150', '200']);
    }
  });

  it('offset without a total: ends on the short page (or the empty one after an exact multiple)', async () => {
    const short = await serve({ items: 237 });
    const config = (s: ListServer) => connector(s, { path: '/offset-items', recordSelector: 'results', pagination: { type: 'offset', limit: 50 } });
    expectAllOnce(await sync(config(short)), short);
    expect(short.count()).toBe(5);

    const exact = await serve({ items: 250 });
    expectAllOnce(await sync(config(exact)), exact);
    expect(exact.count()).toBe(6);
  });

  it('page numbers from 0 without a total header end on the empty page', async () => {
    const server = await serve({ items: 237 });
    const run = await sync(connector(server, { query: { page_base: '0', no_total: '1' }, pagination: { type: 'pageNumber', startPage: 0 } }));
    expectAllOnce(run, server);
    expect(server.requests.map((r) => r.query.get('page'))).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(run.pages).toHaveLength(5);
  });

  it('page size parameter', async () => {
    const server = await serve({ items: 237 });
    const run = await sync(connector(server, { pagination: { type: 'pageNumber', totalPagesHeader: 'x-pages', pageSizeParam: 'page_size', pageSize: 100 } }));
    expectAllOnce(run, server);
    expect(server.requests.map((r) => r.query.get('page_size'))).toEqual(['100', '100', '100']);
  });
});

describe('auth from an env secret', () => {
  const auths = [
    ['header', { type: 'header', header: 'X-Api-Key', secret: { env: 'LIST_API_KEY' } }, { in: 'header', name: 'x-api-key', value: SECRET }],
    ['bearer', { type: 'bearer', secret: { env: 'LIST_API_KEY' } }, { in: 'header', name: 'authorization', value: `Bearer ${SECRET}` }],
    ['query', { type: 'query', param: 'api_key', secret: { env: 'LIST_API_KEY' } }, { in: 'query', name: 'api_key', value: SECRET }],
  ] as const;

  it.each(auths)('%s auth reaches the server on every page', async (_type, auth, serverAuth) => {
    const server = await serve({ items: 120, auth: serverAuth });
    const run = await sync(connector(server, { auth }));
    expect(run.keys).toHaveLength(120);
    expect(server.requests.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it.each(auths)('%s auth with a secretRef resolver', async (_type, auth, serverAuth) => {
    const server = await serve({ items: 10, auth: serverAuth });
    const asked: string[] = [];
    const resolveRef = async (ref: string) => (asked.push(ref), ref === 'vault/list' ? SECRET : undefined);
    const run = await sync(connector(server, { auth: { ...auth, secret: { secretRef: 'vault/list' } } }), {}, { secrets: { resolveRef } });
    expect(run.keys).toHaveLength(10);
    expect(asked).toEqual(['vault/list']);
  });

  it('a wrong secret gets 401, which is not retryable', async () => {
    const server = await serve({ items: 10, auth: { in: 'header', name: 'authorization', value: `Bearer ${SECRET}` } });
    const { error } = await syncUntilError(connector(server, { auth: auths[1][1] }), {}, { secrets: { env: { LIST_API_KEY: 'wrong' } } });
    expect(error).toBeInstanceOf(UpstreamHttpError);
    expect(error).toMatchObject({ status: 401, retryable: false, code: 'UPSTREAM_HTTP_ERROR' });
  });

  it('the query-key secret never appears in an error', async () => {
    const server = await serve({ items: 200, auth: { in: 'query', name: 'api_key', value: SECRET } });
    const config = connector(server, { auth: auths[2][1] });
    const failures: unknown[] = [];

    server.fault({ page: 2, fault: { status: 500 } });
    failures.push((await syncUntilError(config)).error);
    server.fault({ page: 2, fault: { rawBody: '{"oops' } });
    failures.push((await syncUntilError(config)).error);
    server.fault({ page: 2, fault: { hang: true } });
    failures.push((await syncUntilError({ ...config, timeoutMs: 200 })).error);
    failures.push((await syncUntilError({ ...config, maxPages: 1 })).error);

    expect(failures.map((e) => e?.constructor)).toEqual([UpstreamHttpError, InvalidUpstreamPageError, UpstreamUnavailableError, InvalidUpstreamPageError]);
    const http = failures[0] as UpstreamHttpError;
    expect(http.url).toContain('api_key=redacted');
    expect(http.message).toContain('api_key=redacted');
    expect((failures[1] as InvalidUpstreamPageError).url).toContain('api_key=redacted');
    expect((failures[2] as Error).message).toContain('api_key=redacted');
    for (const error of failures) {
      expect(error).toBeInstanceOf(ConnectorError);
      expect(JSON.stringify({ ...(error as object), message: (error as Error).message, stack: (error as Error).stack })).not.toContain(SECRET);
    }
  });

  it('a missing env secret fails with MissingSecretError before any request', async () => {
    const server = await serve({ items: 10 });
    const gate = recordingGate();
    const { error, batches } = await syncUntilError(connector(server, { auth: auths[0][1] }), {}, { secrets: { env: {} }, gate });
    expect(error).toBeInstanceOf(MissingSecretError);
    expect((error as Error).message).toContain('LIST_API_KEY');
    expect(batches).toEqual([]);
    expect(server.count()).toBe(0);
    expect(gate.acquired).toEqual([]);
  });
});

describe('errors', () => {
  it('503 → retryable UpstreamHttpError, after the pages before it were yielded', async () => {
    const server = await serve({ items: 200 });
    server.fault({ page: 3, fault: { status: 503 } });
    const { error, pages } = await syncUntilError(connector(server));
    expect(error).toBeInstanceOf(UpstreamHttpError);
    expect(error).toMatchObject({ status: 503, retryable: true });
    expect((error as Error).message).toContain('upstream answered 503');
    expect(pages.map((p) => p.page)).toEqual([1, 2]);
  });

  it('429 with Retry-After: 3 → retryAfterMs 3000', async () => {
    const server = await serve({ items: 10 });
    server.fault({ fault: { status: 429, headers: { 'retry-after': '3' } } });
    const { error } = await syncUntilError(connector(server));
    expect(error).toBeInstanceOf(UpstreamHttpError);
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 3000 });
  });

  it('a page with invalid JSON → InvalidUpstreamPageError naming the page', async () => {
    const server = await serve({ items: 200 });
    server.fault({ page: 2, fault: { rawBody: '[{"id": 1,' } });
    const { error, pages } = await syncUntilError(connector(server));
    expect(error).toBeInstanceOf(InvalidUpstreamPageError);
    expect(error).toMatchObject({ page: 2, retryable: false });
    expect((error as Error).message).toMatch(/^page 2 of http:\/\/127\.0\.0\.1:\d+\/items\?page=2 is invalid: body is not JSON/);
    expect(pages).toHaveLength(1);
  });

  it('an invalid X-Pages header → InvalidUpstreamPageError naming the page and the header', async () => {
    const server = await serve({ items: 10 });
    server.fault({ page: 1, fault: { status: 200, headers: { 'x-pages': 'many' }, body: '[{"id": 1}]' } });
    const { error } = await syncUntilError(connector(server));
    expect(error).toBeInstanceOf(InvalidUpstreamPageError);
    expect(error).toMatchObject({ page: 1 });
    expect((error as Error).message).toContain('header x-pages="many" is not a page count');
  });

  const loseKeys = (items: ListItem[]) => items.map(({ id, ...rest }) => ({ ...rest, itemId: id }));

  it('records that lose their primary key mid-sync → InvalidUpstreamPageError naming the page', async () => {
    const server = await serve({ items: 200 });
    server.fault({ page: 3, fault: { mapRecords: loseKeys } });
    const { error, pages } = await syncUntilError(connector(server));
    expect(error).toBeInstanceOf(InvalidUpstreamPageError);
    expect(error).toMatchObject({ page: 3, retryable: false });
    expect((error as Error).message).toContain('record 0 has no usable primary key "id"');
    expect(pages.map((p) => p.page)).toEqual([1, 2]);
  });

  it("with onInvalidRecord 'skip', the keyless records are counted in the batch and in stats", async () => {
    const server = await serve({ items: 200 });
    server.fault({ page: 3, fault: { mapRecords: loseKeys } });
    const run = await sync(connector(server, { onInvalidRecord: 'skip' }));
    expect(server.count()).toBe(4);
    expect(run.pages.map((p) => [p.page, p.records.length, p.skipped])).toEqual([
      [1, 50, 0],
      [2, 50, 0],
      [3, 0, 50],
      [4, 50, 0],
    ]);
    expect(run.stats.skipped).toBe(50);
    expect(run.keys).toHaveLength(150);
  });

  it("with onInvalidRecord 'skip', a listing that skipped records is not complete (its keys would read as deletions)", async () => {
    // Bug: listingComplete stays true, so ingest deletes the 50 records whose key went missing.
    const server = await serve({ items: 200 });
    server.fault({ page: 3, fault: { mapRecords: loseKeys } });
    const run = await sync(connector(server, { onInvalidRecord: 'skip' }));
    expect(run.stats.skipped).toBe(50);
    expect(run.end.listingComplete).toBe(false);
  });

  it('duplicate ids within a page are passed through; the page diff counts them once', async () => {
    const server = await serve({ items: 100 });
    server.fault({ page: 1, fault: { mapRecords: (items) => [items[0], ...items] } });
    const run = await sync(connector(server));
    const page1 = run.pages[0]?.records ?? [];
    expect(page1).toHaveLength(51);
    expect(page1.slice(0, 2).map((r) => r.key)).toEqual(['100', '100']);
    const diff = diffPage(new Map(), page1);
    expect(diff.created).toHaveLength(50);
    expect(diffPage(new Map([['100', page1[0]?.hash ?? '']]), page1)).toMatchObject({ unchanged: 1, updated: [] });
  });

  it('a server that never answers → retryable UpstreamUnavailableError after timeoutMs', async () => {
    const server = await serve({ items: 10 });
    server.fault({ fault: { hang: true } });
    const started = performance.now();
    const { error } = await syncUntilError(connector(server, { timeoutMs: 200 }));
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error).toMatchObject({ retryable: true, code: 'UPSTREAM_UNAVAILABLE' });
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(3000);
  });

  it('a body that stops arriving → retryable UpstreamUnavailableError, not an invalid page', async () => {
    // Bug: the timeout aborts response.json(), whose error is reported as "body is not JSON".
    const server = await serve({ items: 10 });
    server.fault({ fault: { stallBody: true } });
    const { error } = await syncUntilError(connector(server, { timeoutMs: 200 }));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error).toMatchObject({ retryable: true });
  });

  it('an unreachable upstream → retryable UpstreamUnavailableError', async () => {
    const server = await serve({ items: 0 });
    const config = connector(server);
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    const { error } = await syncUntilError(config);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error).toMatchObject({ retryable: true });
  });

  it('an AbortSignal aborts a request in flight promptly', async () => {
    const server = await serve({ items: 10 });
    server.fault({ fault: { hang: true } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const { error } = await syncUntilError(connector(server, { timeoutMs: 30_000 }), {}, { signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(Error);
    expect(server.count()).toBe(1);
  });

  it('an AbortSignal aborted before the sync sends nothing', async () => {
    const server = await serve({ items: 10 });
    const { error } = await syncUntilError(connector(server), {}, { signal: AbortSignal.abort() });
    expect(error).toBeInstanceOf(Error);
    expect(server.count()).toBe(0);
  });

  it('an abort between pages stops before the next request', async () => {
    const server = await serve({ items: 200 });
    const controller = new AbortController();
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const batch of httpSync(connector(server), {}, { signal: controller.signal })) {
          if (batch.kind === 'records') seen.push(batch.page);
          controller.abort();
        }
      })(),
    ).rejects.toThrow();
    expect(seen).toEqual([1]);
    expect(server.count()).toBe(1);
  });

  it('more than maxPages pages → InvalidUpstreamPageError after maxPages requests', async () => {
    const server = await serve({ items: 2500 });
    const { error, pages } = await syncUntilError(connector(server, { maxPages: 3 }));
    expect(error).toBeInstanceOf(InvalidUpstreamPageError);
    expect((error as Error).message).toContain('more than maxPages 3 pages');
    expect(error).toMatchObject({ page: 4, retryable: false });
    expect(server.count()).toBe(3);
    expect(pages).toHaveLength(3);
  });

  it('a listing of exactly maxPages pages is fine', async () => {
    const server = await serve({ items: 150 });
    const run = await sync(connector(server, { maxPages: 3 }));
    expect(run.keys).toHaveLength(150);
  });
});

interface RecordingGate extends UpstreamGate {
  log: string[];
  acquired: Array<{ upstream: GateUpstream; signal: AbortSignal | undefined }>;
  executed: string[];
  observed: Array<{ id: string; status: number }>;
}

function recordingGate(log: string[] = []): RecordingGate {
  const gate: RecordingGate = {
    log,
    acquired: [],
    executed: [],
    observed: [],
    async acquire(upstream, signal) {
      gate.acquired.push({ upstream, signal });
      log.push('acquire');
    },
    async execute(upstreamId, request) {
      gate.executed.push(upstreamId);
      log.push('execute:start');
      try {
        return await request();
      } finally {
        log.push('execute:end');
      }
    },
    async observe(upstreamId, response) {
      gate.observed.push({ id: upstreamId, status: response.status });
      log.push(`observe:${response.status}`);
    },
  };
  return gate;
}

describe('upstream gate', () => {
  it('acquires once per request for host:port with a credential digest, wraps each request in execute and observes every status', async () => {
    const log: string[] = [];
    const server = await serve({ items: 120, etag: 'list', onRequest: () => log.push('server') });
    const gate = recordingGate(log);
    const signal = new AbortController().signal;
    const config = connector(server, {
      auth: { type: 'bearer', secret: { env: 'LIST_API_KEY' } },
      rateLimit: { requestsPerSecond: 5, burst: 2 },
      perPageDelayMs: 0,
      incremental: { strategy: 'etag' },
    });

    const first = await sync(config, {}, { gate, signal });
    const digest = createHash('sha256').update(SECRET).digest('hex').slice(0, 16);
    const upstream = { id: `127.0.0.1:${server.port}`, credentialId: digest, requestsPerSecond: 5, burst: 2, perPageDelayMs: 0 };
    expect(gate.acquired).toEqual([1, 2, 3].map(() => ({ upstream, signal })));
    expect(digest).not.toContain(SECRET.slice(0, 8));
    expect(log).toEqual([1, 2, 3].flatMap(() => ['acquire', 'execute:start', 'server', 'observe:200', 'execute:end']));

    log.length = 0;
    await sync(config, first.end.cursor, { gate });
    expect(log).toEqual(['acquire', 'execute:start', 'server', 'observe:304', 'execute:end']);

    log.length = 0;
    server.fault({ fault: { status: 503 } });
    await syncUntilError(config, {}, { gate });
    expect(log).toEqual(['acquire', 'execute:start', 'server', 'observe:503', 'execute:end']);

    expect(gate.executed).toEqual(Array(5).fill(upstream.id));
    expect(gate.observed).toEqual([200, 200, 200, 304, 503].map((status) => ({ id: upstream.id, status })));
    expect(JSON.stringify(gate.acquired)).not.toContain(SECRET);
  });

  it('uses the configured upstreamId, and no credential without auth', async () => {
    const server = await serve({ items: 10 });
    const gate = recordingGate();
    await sync(connector(server, { upstreamId: 'list-api' }), {}, { gate });
    expect(gate.acquired.map((a) => a.upstream)).toEqual([{ id: 'list-api', credentialId: undefined, requestsPerSecond: undefined, burst: undefined, perPageDelayMs: 0 }]);
    expect(gate.executed).toEqual(['list-api']);
    expect(gate.observed).toEqual([{ id: 'list-api', status: 200 }]);
  });

  it('a gate that refuses stops the sync before the request', async () => {
    const server = await serve({ items: 10 });
    const refusing: UpstreamGate = { ...recordingGate(), acquire: async () => Promise.reject(new Error('circuit open')) };
    const { error } = await syncUntilError(connector(server), {}, { gate: refusing });
    expect((error as Error).message).toBe('circuit open');
    expect(server.count()).toBe(0);
  });
});

/** A full GC, for asserting that batches already handed over can be collected. */
function fullGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('memory', () => {
  it('lists 200,000 items a page at a time to a consumer that drops the batches, holding no earlier page', async () => {
    const server = await serve({ items: 200_000, pageSize: 1000 });
    const gc = fullGc();
    const handedOver: Array<WeakRef<FetchedRecord[]>> = [];
    let total = 0;
    let largest = 0;
    let batches = 0;
    let retainedMidway = -1;
    for await (const batch of httpSync(connector(server, { maxPages: 1000 }), {})) {
      if (batch.kind !== 'records') continue;
      batches += 1;
      total += batch.records.length;
      largest = Math.max(largest, batch.records.length);
      handedOver.push(new WeakRef(batch.records));
      if (batches === 150) {
        await new Promise((resolve) => setImmediate(resolve));
        gc();
        // The current page may still be held by the engine; pages before it must not be.
        retainedMidway = handedOver.slice(0, -1).filter((ref) => ref.deref() !== undefined).length;
      }
    }
    expect(server.count()).toBe(200);
    expect(batches).toBe(200);
    expect(total).toBe(200_000);
    expect(largest).toBeLessThanOrEqual(1000);
    expect(retainedMidway).toBe(0);
  }, 60_000);
});
