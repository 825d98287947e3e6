// The pure parts of a get-records page: the byte-order upper bound of a prefix, and the
// cut of a page to what a reply can carry.
import { describe, expect, it } from 'vitest';
import { fitPage, prefixUpperBound, RecordTooLargeError } from './record-pages';

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('prefixUpperBound', () => {
  it('increments the last code point', () => {
    expect(prefixUpperBound('a')).toBe('b');
    expect(prefixUpperBound('a%')).toBe('a&');
    expect(prefixUpperBound('a_')).toBe('a`');
    expect(prefixUpperBound('\u007f')).toBe('\u0080');
    expect(prefixUpperBound('é')).toBe('ê');
    expect(prefixUpperBound('x\u{1f600}')).toBe('x\u{1f601}');
    expect(prefixUpperBound('\uffff')).toBe('\u{10000}');
  });

  it('skips the surrogate range and drops trailing U+10FFFF', () => {
    expect(prefixUpperBound('\ud7ff')).toBe('\ue000');
    expect(prefixUpperBound('ab\u{10ffff}\u{10ffff}')).toBe('ac');
    expect(prefixUpperBound('\u{10ffff}')).toBeUndefined();
  });

  it('is above every string with the prefix and below every other string above the prefix, in byte order', () => {
    const prefix = 'k\u00ff';
    const upper = prefixUpperBound(prefix) ?? '';
    for (const withPrefix of [prefix, `${prefix}\u0001`, `${prefix}zzz`, `${prefix}\u{10ffff}\u{10ffff}`, `${prefix}\uffff`]) {
      expect(byteOrder(withPrefix, upper)).toBeLessThan(0);
    }
    for (const without of ['l', 'k\u0100', 'k\u0100a', 'k\u{1f600}']) {
      expect(byteOrder(upper, without)).toBeLessThanOrEqual(0);
    }
  });
});

describe('fitPage', () => {
  const rows = Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, record: { id: i, text: 'x'.repeat(100) } }));
  const size = Buffer.byteLength(JSON.stringify(rows[0])) + 1;

  it('takes up to limit rows, with next when more were fetched', () => {
    expect(fitPage(rows, 5, 1e6)).toEqual({ records: rows });
    expect(fitPage(rows, 4, 1e6)).toEqual({ records: rows.slice(0, 4), next: 'k3' });
    expect(fitPage([], 4, 1e6)).toEqual({ records: [] });
  });

  it('cuts the page short when the JSON would pass maxBytes', () => {
    expect(fitPage(rows, 4, size * 2)).toEqual({ records: rows.slice(0, 2), next: 'k1' });
    expect(fitPage(rows, 4, size * 2 - 1)).toEqual({ records: rows.slice(0, 1), next: 'k0' });
    expect(fitPage(rows.slice(0, 2), 4, size * 2)).toEqual({ records: rows.slice(0, 2) });
  });

  it('refuses a record larger than a reply on its own', () => {
    expect(() => fitPage(rows, 4, size - 1)).toThrow(RecordTooLargeError);
  });
});
