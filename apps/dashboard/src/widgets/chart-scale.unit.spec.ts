import { describe, expect, it } from 'vitest';
import { barRects, histogram, niceCeiling, numericFields } from './chart-scale';

describe('numericFields', () => {
  it('keeps fields that are mostly finite numbers, never ids', () => {
    const records = [
      { id: 1, name: 'a', price: 100, quantity: 3, sku_id: 9, note: null },
      { id: 2, name: 'b', price: 250, quantity: '4', sku_id: 8, note: 5 },
      { id: 3, name: 'c', price: 75, quantity: 'n/a', sku_id: 7 },
    ];
    expect(numericFields(records)).toEqual(['price', 'note']);
  });
});

describe('histogram', () => {
  it('puts every finite value in one of the bins, the maximum in the last', () => {
    const bins = histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 'x', null, Number.NaN], 5);
    expect(bins.map((b) => b.count)).toEqual([2, 2, 2, 2, 3]);
    expect(bins[0]).toMatchObject({ from: 0, to: 2 });
    expect(bins[4]).toMatchObject({ from: 8, to: 10 });
    expect(bins.reduce((sum, b) => sum + b.count, 0)).toBe(11);
  });

  it('makes one bin of equal values and none of no values', () => {
    expect(histogram([7, 7, 7])).toEqual([{ from: 7, to: 7, count: 3 }]);
    expect(histogram(['a'])).toEqual([]);
  });
});

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 10, 11, 20, 21, 99, 101, 480, 1000].map(niceCeiling)).toEqual([1, 1, 5, 10, 10, 20, 20, 50, 100, 200, 500, 1000]);
  });
});

describe('barRects', () => {
  it('scales bars against the nice ceiling, bottom-aligned, filling the width', () => {
    const rects = barRects([0, 5, 10], 300, 100, 2);
    expect(rects.map((r) => r.height)).toEqual([0, 50, 100]);
    expect(rects.map((r) => r.y)).toEqual([100, 50, 0]);
    expect(rects.map((r) => r.x)).toEqual([1, 101, 201]);
    expect(rects.every((r) => r.width === 98)).toBe(true);
  });

  it('keeps a tiny non-zero count visible', () => {
    expect(barRects([1, 1000], 100, 100)[0]!.height).toBe(1);
  });
});
