import { describe, expect, it } from 'vitest';
import { mulberry32 } from './prng';
import { seedColumns, seedItemAt, seedItems } from './seed-items';

describe('mulberry32', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
    for (const value of first) expect(value).toBeGreaterThanOrEqual(0);
    for (const value of first) expect(value).toBeLessThan(1);
  });
});

describe('seedItems', () => {
  it('produces identical items for the same (seed, count)', () => {
    expect(seedItems(42, 120)).toEqual(seedItems(42, 120));
    expect(seedItems(7, 5)).not.toEqual(seedItems(8, 5));
  });

  it('pins the content, so a change to the generator is a deliberate one', () => {
    expect(seedItems(42, 1)[0]).toEqual({
      id: 1,
      name: 'Rustic Nebula 175',
      price: 52706,
      quantity: 136,
      createdAt: '2024-01-01T02:25:00.000Z',
      updatedAt: '2024-01-01T02:25:00.000Z',
    });
  });

  it('is a prefix-stable sequence: more items extend, never reshuffle, the fewer', () => {
    expect(seedItems(42, 200).slice(0, 120)).toEqual(seedItems(42, 120));
  });

  it('makes well-formed items: ids 1..n, growing createdAt, integer cents, updatedAt not before createdAt', () => {
    const items = seedItems(42, 300);
    expect(items.map((item) => item.id)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    for (const [index, item] of items.entries()) {
      expect(Number.isInteger(item.price) && item.price >= 0).toBe(true);
      expect(Number.isInteger(item.quantity) && item.quantity >= 0).toBe(true);
      expect(item.name.length).toBeGreaterThan(0);
      expect(new Date(item.createdAt).toISOString()).toBe(item.createdAt);
      expect(item.updatedAt >= item.createdAt).toBe(true);
      const previous = items[index - 1];
      if (previous) expect(item.createdAt > previous.createdAt).toBe(true);
    }
    expect(items.some((item) => item.updatedAt !== item.createdAt)).toBe(true);
  });

  it('seeds nothing for count 0', () => {
    expect(seedItems(42, 0)).toEqual([]);
  });
});

describe('seedColumns', () => {
  it('holds exactly the items seedItems builds, and their (updatedAt, id) order', () => {
    const columns = seedColumns(42, 500);
    const items = seedItems(42, 500);
    expect(Array.from({ length: 500 }, (_, i) => seedItemAt(columns, i + 1))).toEqual(items);
    const byUpdated = [...items].sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.id - b.id);
    expect([...columns.idsByUpdated]).toEqual(byUpdated.map((item) => item.id));
    expect(columns.lastModifiedMs).toBe(Math.max(...items.map((item) => Date.parse(item.updatedAt))));
  });

  it('starts lastModified at the seed base for an empty dataset', () => {
    expect(seedColumns(42, 0)).toMatchObject({ count: 0, lastModifiedMs: Date.UTC(2024, 0, 1) });
  });
});
