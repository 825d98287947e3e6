import { paginationSchema, type Pagination } from '@freshet/contracts';
import { describe, expect, it } from 'vitest';
import { firstPage, InvalidPagingHeaderError, nextPage, type PageRequest, type PageResponse } from './pagination';

const pagination = (input: unknown): Pagination => paginationSchema.parse(input);
const response = (over: Partial<Omit<PageResponse, 'headers'>> & { headers?: Record<string, string> } = {}): PageResponse => ({
  url: over.url ?? 'https://api.example.com/items',
  headers: new Headers(over.headers ?? {}),
  body: over.body ?? [],
  recordCount: over.recordCount ?? 10,
});

/** Walks a listing of `pages` responses from firstPage, answering each request with respond(). */
function walk(p: Pagination, respond: (request: PageRequest) => PageResponse, limit = 50): PageRequest[] {
  const seen: PageRequest[] = [];
  let request: PageRequest | undefined = firstPage(p);
  while (request && seen.length < limit) {
    seen.push(request);
    request = nextPage(p, request, respond(request));
  }
  return seen;
}

describe('pageNumber', () => {
  it('starts at startPage with the page size when both size param and size are set', () => {
    expect(firstPage(pagination({ type: 'pageNumber' }))).toEqual({ index: 1, params: { page: '1' } });
    expect(firstPage(pagination({ type: 'pageNumber', pageParam: 'p', startPage: 0, pageSizeParam: 'size', pageSize: 25 }))).toEqual({
      index: 1,
      params: { p: '0', size: '25' },
    });
    expect(firstPage(pagination({ type: 'pageNumber', pageSizeParam: 'size' })).params).toEqual({ page: '1' });
  });

  it('with a total-pages header, asks exactly that many pages', () => {
    const p = pagination({ type: 'pageNumber', totalPagesHeader: 'X-Pages', pageSizeParam: 'size', pageSize: 25 });
    const requests = walk(p, () => response({ headers: { 'x-pages': '3' } }));
    expect(requests).toEqual([
      { index: 1, params: { page: '1', size: '25' } },
      { index: 2, params: { page: '2', size: '25' } },
      { index: 3, params: { page: '3', size: '25' } },
    ]);
  });

  it('with a total-pages header and startPage 0, counts pages from 0', () => {
    const p = pagination({ type: 'pageNumber', startPage: 0, totalPagesHeader: 'x-pages' });
    expect(walk(p, () => response({ headers: { 'x-pages': '3' } })).map((r) => r.params['page'])).toEqual(['0', '1', '2']);
  });

  it('stops after page 1 when the header says 0 or 1 pages, even if the page was full', () => {
    const p = pagination({ type: 'pageNumber', totalPagesHeader: 'x-pages' });
    expect(nextPage(p, firstPage(p), response({ headers: { 'x-pages': '1' }, recordCount: 100 }))).toBeUndefined();
    expect(nextPage(p, firstPage(p), response({ headers: { 'x-pages': '0' }, recordCount: 0 }))).toBeUndefined();
  });

  it('follows the header, not the record count, when it is present', () => {
    const p = pagination({ type: 'pageNumber', totalPagesHeader: 'x-pages' });
    expect(nextPage(p, firstPage(p), response({ headers: { 'x-pages': '2' }, recordCount: 0 }))).toEqual({ index: 2, params: { page: '2' } });
  });

  it('without a header, ends on the first empty page (startPage 1 and 0)', () => {
    const counts = [50, 50, 7, 0];
    for (const startPage of [1, 0]) {
      const p = pagination({ type: 'pageNumber', startPage });
      const requests = walk(p, (r) => response({ recordCount: counts[r.index - 1] ?? 0 }));
      expect(requests.map((r) => r.params['page'])).toEqual([0, 1, 2, 3].map((i) => String(i + startPage)));
    }
  });

  it('falls back to the empty page when the configured header is missing from a response', () => {
    const p = pagination({ type: 'pageNumber', totalPagesHeader: 'x-pages' });
    expect(nextPage(p, firstPage(p), response({ recordCount: 5 }))).toEqual({ index: 2, params: { page: '2' } });
    expect(nextPage(p, firstPage(p), response({ recordCount: 0 }))).toBeUndefined();
  });

  it.each(['abc', '2.5', '-1'])('rejects an X-Pages of %j with InvalidPagingHeaderError naming the header', (value) => {
    const p = pagination({ type: 'pageNumber', totalPagesHeader: 'x-pages' });
    const call = () => nextPage(p, firstPage(p), response({ headers: { 'x-pages': value } }));
    expect(call).toThrow(InvalidPagingHeaderError);
    expect(call).toThrow(`header x-pages=${JSON.stringify(value)} is not a page count`);
  });

  it('keeps other params (strategy params like updated_since) on every page', () => {
    const p = pagination({ type: 'pageNumber' });
    const first = { ...firstPage(p), params: { updated_since: 'T', page: '1' } };
    expect(nextPage(p, first, response({ recordCount: 3 }))).toEqual({ index: 2, params: { updated_since: 'T', page: '2' } });
  });
});

describe('cursor', () => {
  it('starts without a cursor, with the limit when configured', () => {
    expect(firstPage(pagination({ type: 'cursor' }))).toEqual({ index: 1, params: {} });
    expect(firstPage(pagination({ type: 'cursor', limitParam: 'limit', limit: 200 }))).toEqual({ index: 1, params: { limit: '200' } });
  });

  it('sends the next cursor read from a nested path', () => {
    const p = pagination({ type: 'cursor', cursorParam: 'after', nextCursorPath: 'meta.paging.next', limitParam: 'limit', limit: 2 });
    const next = nextPage(p, firstPage(p), response({ body: { data: [1, 2], meta: { paging: { next: 'c2' } } }, recordCount: 2 }));
    expect(next).toEqual({ index: 2, params: { limit: '2', after: 'c2' } });
  });

  it('stringifies a numeric cursor', () => {
    const p = pagination({ type: 'cursor' });
    expect(nextPage(p, firstPage(p), response({ body: { next_cursor: 1234 } }))?.params).toEqual({ cursor: '1234' });
  });

  it.each([
    ['null', { meta: { next: null } }],
    ["''", { meta: { next: '' } }],
    ['missing', { meta: {} }],
    ['missing parent', {}],
  ])('ends when the next cursor is %s', (_label, body) => {
    const p = pagination({ type: 'cursor', nextCursorPath: 'meta.next' });
    expect(nextPage(p, firstPage(p), response({ body, recordCount: 10 }))).toBeUndefined();
  });

  it('ends on an empty page even if a cursor is returned (no endless loop)', () => {
    const p = pagination({ type: 'cursor', nextCursorPath: 'meta.next' });
    expect(nextPage(p, firstPage(p), response({ body: { meta: { next: 'again' } }, recordCount: 0 }))).toBeUndefined();
  });
});

describe('link', () => {
  const p = pagination({ type: 'link' });

  it('starts without params and follows rel=next resolved against the response URL', () => {
    expect(firstPage(p)).toEqual({ index: 1, params: {} });
    const next = nextPage(p, firstPage(p), response({ url: 'https://api.example.com/v1/items?page=1', headers: { link: '</v1/items?page=2>; rel="next"' } }));
    expect(next).toEqual({ index: 2, params: {}, url: 'https://api.example.com/v1/items?page=2' });
  });

  it('ends without a next link', () => {
    expect(nextPage(p, firstPage(p), response({ headers: { link: '</v1/items?page=1>; rel="prev"' } }))).toBeUndefined();
    expect(nextPage(p, firstPage(p), response())).toBeUndefined();
  });
});

describe('offset', () => {
  it('starts at offset 0 with the limit', () => {
    expect(firstPage(pagination({ type: 'offset' }))).toEqual({ index: 1, params: { offset: '0', limit: '100' } });
    expect(firstPage(pagination({ type: 'offset', offsetParam: 'skip', limitParam: 'take', limit: 20 }))).toEqual({ index: 1, params: { skip: '0', take: '20' } });
  });

  it('with totalPath, stops when the next offset reaches the total (no extra empty request)', () => {
    const p = pagination({ type: 'offset', limit: 10, totalPath: 'meta.total' });
    const requests = walk(p, () => response({ body: { meta: { total: 30 } }, recordCount: 10 }));
    expect(requests.map((r) => r.params['offset'])).toEqual(['0', '10', '20']);
  });

  it('without totalPath, stops on a short page', () => {
    const counts = [10, 10, 4];
    const p = pagination({ type: 'offset', limit: 10 });
    const requests = walk(p, (r) => response({ recordCount: counts[r.index - 1] ?? 0 }));
    expect(requests.map((r) => r.params['offset'])).toEqual(['0', '10', '20']);
  });

  it('without totalPath and an exact multiple, ends on the empty page after the last', () => {
    const counts = [10, 10, 0];
    const p = pagination({ type: 'offset', limit: 10 });
    expect(walk(p, (r) => response({ recordCount: counts[r.index - 1] ?? 0 })).length).toBe(3);
  });

  it('stops on a short page even when the total says there is more', () => {
    const p = pagination({ type: 'offset', limit: 10, totalPath: 'total' });
    expect(nextPage(p, firstPage(p), response({ body: { total: 1000 }, recordCount: 3 }))).toBeUndefined();
  });

  it('ignores a totalPath that is missing or not a number', () => {
    const p = pagination({ type: 'offset', limit: 10, totalPath: 'total' });
    expect(nextPage(p, firstPage(p), response({ body: {}, recordCount: 10 }))?.params).toEqual({ offset: '10', limit: '10' });
    expect(nextPage(p, firstPage(p), response({ body: { total: 'lots' }, recordCount: 10 }))?.params).toEqual({ offset: '10', limit: '10' });
  });
});
