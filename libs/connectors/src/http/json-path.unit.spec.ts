import { describe, expect, it } from 'vitest';
import { readPath } from './json-path';

describe('readPath', () => {
  const body = { data: { items: [{ id: 7 }, { id: 8 }] }, meta: { next_cursor: 'abc', empty: '', none: null }, zero: 0 };

  it("returns the body itself for ''", () => {
    expect(readPath(body, '')).toBe(body);
    expect(readPath([1, 2], '')).toEqual([1, 2]);
  });

  it('follows dotted object paths', () => {
    expect(readPath(body, 'meta.next_cursor')).toBe('abc');
    expect(readPath(body, 'data.items')).toBe(body.data.items);
  });

  it('treats numeric segments as array indexes', () => {
    expect(readPath(body, 'data.items.1.id')).toBe(8);
  });

  it('keeps falsy values as they are', () => {
    expect(readPath(body, 'meta.empty')).toBe('');
    expect(readPath(body, 'meta.none')).toBeNull();
    expect(readPath(body, 'zero')).toBe(0);
  });

  it('answers undefined for missing keys and for paths through non-objects, without throwing', () => {
    expect(readPath(body, 'meta.missing')).toBeUndefined();
    expect(readPath(body, 'missing.deeper')).toBeUndefined();
    expect(readPath(body, 'meta.next_cursor.length.x')).toBeUndefined();
    expect(readPath(body, 'meta.none.x')).toBeUndefined();
    expect(readPath(null, 'a')).toBeUndefined();
    expect(readPath('text', 'a')).toBeUndefined();
    expect(readPath(undefined, 'a.b')).toBeUndefined();
  });
});
