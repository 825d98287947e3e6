import { describe, expect, it } from 'vitest';
import { InvalidUpstreamPageError } from '../connector-errors';
import { contentHash } from '../content-hash';
import { extractRecords } from './extract-records';

const URL_ = 'https://api.example.com/items?page=3';
type Config = Parameters<typeof extractRecords>[0];
const config = (over: Partial<Config> = {}): Config => ({ recordSelector: '', primaryKey: 'id', onInvalidRecord: 'fail', ...over });

function caught(run: () => unknown): InvalidUpstreamPageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidUpstreamPageError);
    return error as InvalidUpstreamPageError;
  }
  throw new Error('expected InvalidUpstreamPageError');
}

describe('extractRecords', () => {
  it('keys and hashes every record of a body that is the array', () => {
    const body = [{ id: 'a', v: 1 }, { id: 'b', v: 2 }];
    expect(extractRecords(config(), body, URL_, 1)).toEqual({
      records: [
        { key: 'a', hash: contentHash(body[0]), record: body[0] },
        { key: 'b', hash: contentHash(body[1]), record: body[1] },
      ],
      skipped: 0,
    });
  });

  it('selects the record array with a dotted selector and reads the configured key', () => {
    const body = { data: { items: [{ sku: 'x1' }, { sku: 'x2' }] } };
    const { records } = extractRecords(config({ recordSelector: 'data.items', primaryKey: 'sku' }), body, URL_, 1);
    expect(records.map((r) => r.key)).toEqual(['x1', 'x2']);
  });

  it('stringifies numeric keys (0 included)', () => {
    const { records } = extractRecords(config(), [{ id: 42 }, { id: 0 }, { id: 1.5 }], URL_, 1);
    expect(records.map((r) => r.key)).toEqual(['42', '0', '1.5']);
  });

  it('accepts an empty page', () => {
    expect(extractRecords(config({ recordSelector: 'items' }), { items: [] }, URL_, 1)).toEqual({ records: [], skipped: 0 });
  });

  it('rejects a selected value that is not an array, naming the selector, the page and the URL', () => {
    for (const body of [{ data: { items: { id: 1 } } }, { data: {} }, { data: { items: null } }]) {
      const error = caught(() => extractRecords(config({ recordSelector: 'data.items' }), body, URL_, 3));
      expect(error.page).toBe(3);
      expect(error.url).toBe(URL_);
      expect(error.retryable).toBe(false);
      expect(error.message).toBe(`page 3 of ${URL_} is invalid: expected "data.items" to be an array of records`);
    }
  });

  it("rejects a body that is not an array when the selector is ''", () => {
    const error = caught(() => extractRecords(config(), { items: [] }, URL_, 1));
    expect(error.message).toContain('expected the body to be an array of records');
  });

  it.each([
    ['missing', { name: 'no id' }],
    ['null', { id: null }],
    ['empty string', { id: '' }],
    ['boolean', { id: true }],
    ['object', { id: { nested: 1 } }],
    ['NaN-like', { id: Number.NaN }],
  ])('fails on a %s primary key, naming the record index and the key field', (_label, bad) => {
    const error = caught(() => extractRecords(config({ primaryKey: 'id' }), [{ id: 1 }, bad], URL_, 2));
    expect(error.message).toBe(`page 2 of ${URL_} is invalid: record 1 has no usable primary key "id"`);
  });

  it('fails on a record that is not an object', () => {
    for (const bad of [null, 'text', 7, [1, 2]]) {
      expect(caught(() => extractRecords(config(), [{ id: 1 }, bad], URL_, 1)).message).toContain('record 1 is not an object');
    }
  });

  it("with onInvalidRecord 'skip', keeps the good records and counts the bad ones", () => {
    const body = [{ id: 1 }, { name: 'no id' }, null, { id: '' }, { id: 'b' }, 'text'];
    const { records, skipped } = extractRecords(config({ onInvalidRecord: 'skip' }), body, URL_, 1);
    expect(records.map((r) => r.key)).toEqual(['1', 'b']);
    expect(skipped).toBe(4);
  });

  it('passes duplicate keys through (deduplication is the diff’s job)', () => {
    const { records } = extractRecords(config(), [{ id: 1, v: 'a' }, { id: 1, v: 'b' }], URL_, 1);
    expect(records.map((r) => r.key)).toEqual(['1', '1']);
  });
});
