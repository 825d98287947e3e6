import { describe, expect, it } from 'vitest';
import { manualClock } from './clock';
import { DatasetNotFoundError, ItemNotFoundError } from './errors';
import { ItemStore } from './item-store';
import { seedItems } from './seed-items';

function setup() {
  const clock = manualClock('2025-06-01T12:00:00.000Z');
  const store = new ItemStore(clock);
  store.seed('demo', { seed: 42, count: 10 });
  return { clock, store };
}

describe('ItemStore', () => {
  it('lists newest first, by createdAt then id', () => {
    const { store } = setup();
    expect(store.findNewestFirst('demo')).toEqual(seedItems(42, 10).reverse());
    store.createItem('demo', { name: 'a' });
    store.createItem('demo', { name: 'b' });
    // Same clock instant: the higher id comes first.
    expect(store.findNewestFirst('demo')?.slice(0, 2).map((item) => item.id)).toEqual([12, 11]);
  });

  it('creates items with monotonic ids, defaults and the clock time, creating the dataset if needed', () => {
    const { store } = setup();
    const item = store.createItem('demo', { name: 'Widget', price: 1999 });
    expect(item).toEqual({
      id: 11,
      name: 'Widget',
      price: 1999,
      quantity: 0,
      createdAt: '2025-06-01T12:00:00.000Z',
      updatedAt: '2025-06-01T12:00:00.000Z',
    });
    expect(store.createItem('fresh', { name: 'first' }).id).toBe(1);
    expect(store.has('fresh')).toBe(true);
  });

  it('never reuses an id after a delete', () => {
    const { store } = setup();
    store.deleteItem('demo', 10);
    expect(store.createItem('demo', { name: 'next' }).id).toBe(11);
  });

  it('updates only the given fields and bumps updatedAt, even when the clock has not moved', () => {
    const { clock, store } = setup();
    const first = store.updateItem('demo', 3, { price: 5 });
    expect(first).toMatchObject({ id: 3, price: 5, name: seedItems(42, 3)[2]?.name });
    expect(first.updatedAt).toBe('2025-06-01T12:00:00.000Z');
    const second = store.updateItem('demo', 3, {});
    expect(second.updatedAt).toBe('2025-06-01T12:00:00.001Z');
    clock.advance(60_000);
    expect(store.updateItem('demo', 3, { quantity: 9 }).updatedAt).toBe('2025-06-01T12:01:00.000Z');
    expect(store.getItemOrThrow('demo', 3)).toMatchObject({ price: 5, quantity: 9 });
  });

  it('reseeding replaces the dataset deterministically', () => {
    const { store } = setup();
    store.createItem('demo', { name: 'extra' });
    const { created, summary } = store.seed('demo', { seed: 42, count: 10 });
    expect(created).toBe(false);
    expect(summary).toMatchObject({ name: 'demo', itemCount: 10, seed: 42 });
    expect(store.findNewestFirst('demo')).toEqual(seedItems(42, 10).reverse());
  });

  it('moves lastModified forward on every change', () => {
    const { clock, store } = setup();
    const seeded = store.lastModified('demo');
    clock.advance(1000);
    store.deleteItem('demo', 1);
    expect(store.lastModified('demo')?.toISOString()).toBe('2025-06-01T12:00:01.000Z');
    expect(store.lastModified('demo')!.getTime()).toBeGreaterThan(seeded!.getTime());
  });

  it('throws named errors for missing datasets and items', () => {
    const { store } = setup();
    expect(store.findNewestFirst('ghost')).toBeUndefined();
    expect(() => store.getItemOrThrow('ghost', 1)).toThrow(DatasetNotFoundError);
    expect(() => store.getItemOrThrow('demo', 99)).toThrow(ItemNotFoundError);
    expect(() => store.updateItem('demo', 99, {})).toThrow(ItemNotFoundError);
    expect(() => store.deleteItem('demo', 99)).toThrow(ItemNotFoundError);
    expect(() => store.deleteItem('ghost', 1)).toThrow(DatasetNotFoundError);
  });
});
