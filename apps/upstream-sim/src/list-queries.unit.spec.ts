import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor';
import { InvalidRequestError } from './errors';
import { linkHeader } from './link-header';
import { cursorQuery, offsetQuery, pagedQuery } from './list-queries';
import { parseTimestampParam } from './query-params';

const SINCE = Date.parse('2025-06-01T12:00:00.000Z');

describe('pagedQuery (items, link-items)', () => {
  it('defaults to page 1 at the configured size, newest first', () => {
    expect(pagedQuery({}, 50)).toEqual({ order: { kind: 'newest' }, offset: 0, limit: 50, page: 1 });
  });

  it('reads page, page_size and updated_since', () => {
    expect(pagedQuery({ page: '3', page_size: '1000', updated_since: '2025-06-01T12:00:00Z' }, 50)).toEqual({
      order: { kind: 'updatedSince', sinceMs: SINCE },
      offset: 2000,
      limit: 1000,
      page: 3,
    });
  });

  it.each([['0'], ['1001'], ['-1'], ['1.5'], ['abc'], ['']])('refuses page_size=%j', (raw) => {
    expect(() => pagedQuery({ page_size: raw }, 50)).toThrow(/query parameter "page_size" must be an integer from 1 to 1000/);
  });

  it('refuses a repeated page_size', () => {
    expect(() => pagedQuery({ page_size: ['1', '2'] }, 50)).toThrow(/got more than one value/);
  });
});

describe('offsetQuery', () => {
  it('reads offset and limit; the page number follows the offset', () => {
    expect(offsetQuery({}, 50)).toEqual({ order: { kind: 'newest' }, offset: 0, limit: 50, page: 1 });
    expect(offsetQuery({ offset: '25', limit: '10' }, 50)).toMatchObject({ offset: 25, limit: 10, page: 3 });
    expect(() => offsetQuery({ offset: '-1' }, 50)).toThrow(/"offset" must be an integer from 0/);
    expect(() => offsetQuery({ limit: '0' }, 50)).toThrow(/"limit" must be an integer from 1 to 1000/);
  });
});

describe('cursorQuery and cursors', () => {
  it('starts at page 1 of the chosen order', () => {
    expect(cursorQuery({ limit: '5' }, 50)).toEqual({ order: { kind: 'newest' }, after: undefined, limit: 5, page: 1 });
    expect(cursorQuery({ updated_since: '2025-06-01T12:00:00Z' }, 50).order).toEqual({ kind: 'updatedSince', sinceMs: SINCE });
  });

  it('continues from a cursor, which is opaque, stable and round-trips', () => {
    const cursor = encodeCursor({ order: 'updated', after: { ms: SINCE, id: 42 }, page: 7 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encodeCursor({ order: 'updated', after: { ms: SINCE, id: 42 }, page: 7 })).toBe(cursor);
    expect(decodeCursor(cursor, 'cursor')).toEqual({ order: 'updated', after: { ms: SINCE, id: 42 }, page: 7 });
    expect(cursorQuery({ cursor }, 50)).toEqual({
      order: { kind: 'updatedSince', sinceMs: Number.NEGATIVE_INFINITY },
      after: { ms: SINCE, id: 42 },
      limit: 50,
      page: 7,
    });
  });

  it.each([['garbage'], [''], ['djEueC4xLjEuMQ'], [Buffer.from('v1.n.1.0.1').toString('base64url')], ['a+b/c']])(
    'refuses the cursor %j',
    (raw) => {
      expect(() => cursorQuery({ cursor: raw }, 50)).toThrow(InvalidRequestError);
      expect(() => cursorQuery({ cursor: raw }, 50)).toThrow(/"cursor" is not a cursor this API issued/);
    },
  );

  it('refuses updated_since next to a cursor', () => {
    const cursor = encodeCursor({ order: 'newest', after: { ms: SINCE, id: 1 }, page: 2 });
    expect(() => cursorQuery({ cursor, updated_since: '2025-06-01T12:00:00Z' }, 50)).toThrow(/cannot be combined/);
  });
});

describe('parseTimestampParam', () => {
  it('reads RFC 3339 with Z or an offset, including a + that arrived as a space', () => {
    expect(parseTimestampParam('2025-06-01T12:00:00Z', 'updated_since')).toBe(SINCE);
    expect(parseTimestampParam('2025-06-01T12:00:00.000Z', 'updated_since')).toBe(SINCE);
    expect(parseTimestampParam('2025-06-01T14:00:00+02:00', 'updated_since')).toBe(SINCE);
    expect(parseTimestampParam('2025-06-01T14:00:00 02:00', 'updated_since')).toBe(SINCE);
    expect(parseTimestampParam(undefined, 'updated_since')).toBeUndefined();
  });

  it.each([['2025-06-01'], ['2025-06-01T12:00:00'], ['yesterday'], ['1717243200'], ['2025-13-01T00:00:00Z']])('refuses %j', (raw) => {
    expect(() => parseTimestampParam(raw, 'updated_since')).toThrow(/"updated_since" must be an RFC 3339 timestamp/);
  });
});

describe('linkHeader', () => {
  const url = new URL('http://sim.test/v1/datasets/demo/link-items?page=2&page_size=10&updated_since=x');

  it('links next, prev, first and last, changing only the page', () => {
    expect(linkHeader(url, 'page', 2, 3)).toBe(
      [
        '<http://sim.test/v1/datasets/demo/link-items?page=3&page_size=10&updated_since=x>; rel="next"',
        '<http://sim.test/v1/datasets/demo/link-items?page=1&page_size=10&updated_since=x>; rel="prev"',
        '<http://sim.test/v1/datasets/demo/link-items?page=1&page_size=10&updated_since=x>; rel="first"',
        '<http://sim.test/v1/datasets/demo/link-items?page=3&page_size=10&updated_since=x>; rel="last"',
      ].join(', '),
    );
  });

  it('has no next on the last page or past it, and no prev on the first', () => {
    expect(linkHeader(url, 'page', 3, 3)).not.toMatch(/rel="next"/);
    expect(linkHeader(url, 'page', 9, 3)).toMatch(/page=3&page_size=10&updated_since=x>; rel="prev"/);
    expect(linkHeader(url, 'page', 1, 1)).toBe(
      '<http://sim.test/v1/datasets/demo/link-items?page=1&page_size=10&updated_since=x>; rel="first", ' +
        '<http://sim.test/v1/datasets/demo/link-items?page=1&page_size=10&updated_since=x>; rel="last"',
    );
  });
});
