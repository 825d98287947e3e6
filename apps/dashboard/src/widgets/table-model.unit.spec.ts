import { describe, expect, it } from 'vitest';
import { nextSort, pageWindow, pickColumns, sortRows } from './table-model';

const row = (key: string, record: Record<string, unknown>) => ({ key, record });

describe('pickColumns', () => {
  it('puts id, name, title first, then the rest as they appear, capped at 8', () => {
    const records = [row('1', { price: 1, name: 'a', createdAt: 'x', id: 1 }), row('2', { quantity: 2, title: 't', a: 1, b: 2, c: 3, d: 4, e: 5 })];
    expect(pickColumns(records)).toEqual(['id', 'name', 'title', 'price', 'createdAt', 'quantity', 'a', 'b']);
    expect(pickColumns([])).toEqual([]);
  });
});

describe('sorting', () => {
  const rows = [row('a', { n: 10, s: 'b10' }), row('b', { n: 9, s: 'b9' }), row('c', { s: 'A1' }), row('d', { n: 100, s: 'c' })];

  it('cycles a column through ascending, descending and key order', () => {
    expect(nextSort(undefined, 'n')).toEqual({ column: 'n', direction: 'asc' });
    expect(nextSort({ column: 'n', direction: 'asc' }, 'n')).toEqual({ column: 'n', direction: 'desc' });
    expect(nextSort({ column: 'n', direction: 'desc' }, 'n')).toBeUndefined();
    expect(nextSort({ column: 'n', direction: 'desc' }, 's')).toEqual({ column: 's', direction: 'asc' });
  });

  it('compares numbers as numbers and text naturally, missing values last either way', () => {
    expect(sortRows(rows, { column: 'n', direction: 'asc' }).map((r) => r.key)).toEqual(['b', 'a', 'd', 'c']);
    expect(sortRows(rows, { column: 'n', direction: 'desc' }).map((r) => r.key)).toEqual(['d', 'a', 'b', 'c']);
    expect(sortRows(rows, { column: 's', direction: 'asc' }).map((r) => r.key)).toEqual(['c', 'b', 'a', 'd']);
  });

  it('orders keys naturally without a sort, and never changes the input', () => {
    const keyed = ['10', '2', '1', '100', 'b', 'a'].map((key) => row(key, {}));
    expect(sortRows(keyed, undefined).map((r) => r.key)).toEqual(['1', '2', '10', '100', 'a', 'b']);
    const copy = [...rows];
    sortRows(rows, { column: 'n', direction: 'desc' });
    expect(rows).toEqual(copy);
  });
});

describe('pageWindow', () => {
  it('shows 50 rows a page of a 1,000-record source', () => {
    expect(pageWindow(1000, 0)).toEqual({ page: 0, pageCount: 20, start: 0, end: 50 });
    expect(pageWindow(1000, 19)).toEqual({ page: 19, pageCount: 20, start: 950, end: 1000 });
  });

  it('clamps a page beyond the end (records deleted meanwhile) and handles no records', () => {
    expect(pageWindow(120, 7)).toEqual({ page: 2, pageCount: 3, start: 100, end: 120 });
    expect(pageWindow(0, 3)).toEqual({ page: 0, pageCount: 1, start: 0, end: 0 });
    expect(pageWindow(10, -1)).toEqual({ page: 0, pageCount: 1, start: 0, end: 10 });
  });
});
