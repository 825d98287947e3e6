import { describe, expect, it } from 'vitest';
import { mulberry32, randomInt } from './prng';
import { BLOCK_SIZE, SortedIndex } from './sorted-index';

type Entry = [key: number, id: number];
const byKeyThenId = (a: Entry, b: Entry) => a[0] - b[0] || a[1] - b[1];

/** The naive model the index must agree with. */
function expectSameAs(index: SortedIndex, model: Entry[]) {
  model.sort(byKeyThenId);
  const ids = model.map(([, id]) => id);
  expect(index.size).toBe(model.length);
  expect(index.idsAscending(0, model.length + 5)).toEqual(ids);
  expect(index.idsDescending(model.length - 1, model.length + 5)).toEqual([...ids].reverse());
}

describe('SortedIndex', () => {
  it('orders by key, then id, and reads runs both ways from any position', () => {
    const index = new SortedIndex();
    for (const [key, id] of [[5, 2], [1, 9], [5, 1], [3, 4]] as Entry[]) expect(index.insert(key, id)).toBe(true);
    expect(index.idsAscending(0, 10)).toEqual([9, 4, 1, 2]);
    expect(index.idsAscending(1, 2)).toEqual([4, 1]);
    expect(index.idsDescending(3, 2)).toEqual([2, 1]);
    expect(index.idsDescending(0, 5)).toEqual([9]);
    expect(index.idsAscending(4, 1)).toEqual([]);
    expect(index.idsDescending(-1, 1)).toEqual([]);
  });

  it('ranks a position before it (exclusive) or through it (inclusive)', () => {
    const index = SortedIndex.fromSorted([1, 3, 5, 5], [9, 4, 1, 2]);
    expect(index.rank(5, 1)).toBe(2);
    expect(index.rank(5, 1, true)).toBe(3);
    expect(index.rank(4, 0)).toBe(2);
    expect(index.rank(5, Number.POSITIVE_INFINITY, true)).toBe(4);
    expect(index.rank(0, 0)).toBe(0);
    expect(index.rank(99, 0)).toBe(4);
  });

  it('refuses a duplicate and reports a missing removal', () => {
    const index = SortedIndex.fromSorted([1], [1]);
    expect(index.insert(1, 1)).toBe(false);
    expect(index.remove(1, 2)).toBe(false);
    expect(index.remove(2, 1)).toBe(false);
    expect(index.remove(1, 1)).toBe(true);
    expect(index.size).toBe(0);
    expect(index.idsAscending(0, 1)).toEqual([]);
    expect(index.insert(7, 7)).toBe(true);
    expect(index.idsAscending(0, 1)).toEqual([7]);
  });

  it('agrees with a sorted array through thousands of random inserts and removals across block splits', () => {
    const random = mulberry32(7);
    const initial: Entry[] = Array.from({ length: 3 * BLOCK_SIZE + 17 }, (_, i) => [i * 10, i + 1]);
    const index = SortedIndex.fromSorted(
      initial.map(([key]) => key),
      initial.map(([, id]) => id),
    );
    const model = [...initial];
    let nextId = initial.length + 1;
    for (let step = 0; step < 6000; step += 1) {
      if (random() < 0.6 || model.length === 0) {
        const entry: Entry = [randomInt(random, 0, 40_000), nextId];
        nextId += 1;
        index.insert(...entry);
        model.push(entry);
      } else {
        const [entry] = model.splice(randomInt(random, 0, model.length - 1), 1);
        expect(index.remove(...entry!)).toBe(true);
      }
      if (step % 500 === 0) expectSameAs(index, model);
    }
    expectSameAs(index, model);
    const sorted = [...model].sort(byKeyThenId);
    for (const probe of [0, 1, 99, 2500, 20_000, 39_999, 50_000]) {
      expect(index.rank(probe, Number.POSITIVE_INFINITY, true)).toBe(sorted.filter(([key]) => key <= probe).length);
      expect(index.rank(probe, 0)).toBe(sorted.filter(([key]) => key < probe).length);
    }
    const middle = Math.floor(sorted.length / 2);
    expect(index.idsAscending(middle, 50)).toEqual(sorted.slice(middle, middle + 50).map(([, id]) => id));
  });

  it('grows from empty by appends and by inserts at the front', () => {
    const index = new SortedIndex();
    const model: Entry[] = [];
    for (let i = 0; i < 2 * BLOCK_SIZE + 3; i += 1) {
      const entry: Entry = i % 2 === 0 ? [i, i + 1] : [-i, i + 1];
      index.insert(...entry);
      model.push(entry);
    }
    expectSameAs(index, model);
  });
});
