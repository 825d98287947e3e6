import { describe, expect, it } from 'vitest';
import { manualClock } from './clock';
import { DatasetNotFoundError, ItemNotFoundError } from './errors';
import type { Item } from './item';
import { ItemStore, positionOf } from './item-store';
import { mulberry32, randomInt } from './prng';
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

describe('ItemStore orders and paging', () => {
  const ms = (iso: string) => Date.parse(iso);
  const newestFirst = (a: Item, b: Item) => ms(b.createdAt) - ms(a.createdAt) || b.id - a.id;
  const oldestUpdateFirst = (a: Item, b: Item) => ms(a.updatedAt) - ms(b.updatedAt) || a.id - b.id;

  it('serves windows of the newest-first order with the total', () => {
    const { store } = setup();
    expect(store.window('demo', { kind: 'newest' }, 3, 4)).toEqual({ items: seedItems(42, 10).reverse().slice(3, 7), total: 10 });
    expect(store.window('demo', { kind: 'newest' }, 10, 4)).toEqual({ items: [], total: 10 });
    expect(store.window('ghost', { kind: 'newest' }, 0, 4)).toBeUndefined();
  });

  it('filters updated_since strictly after T, ordered by updatedAt then id; an edit moves the item last', () => {
    const { store } = setup();
    const all = seedItems(42, 10);
    const since = all[4]!.updatedAt;
    const expected = all.filter((item) => item.updatedAt > since).sort(oldestUpdateFirst);
    expect(store.window('demo', { kind: 'updatedSince', sinceMs: ms(since) }, 0, 100)).toEqual({ items: expected, total: expected.length });

    const edited = store.updateItem('demo', 1, { name: 'edited' });
    const after = store.window('demo', { kind: 'updatedSince', sinceMs: ms(since) }, 0, 100)!;
    expect(after.items.at(-1)).toEqual(edited);
    expect(after.total).toBe(expected.length + (ms(all[0]!.updatedAt) > ms(since) ? 0 : 1));
  });

  it('stamps changes after the last change of the dataset when the clock is behind its seeded timeline', () => {
    const clock = manualClock('2024-01-01T06:00:00.000Z');
    const store = new ItemStore(clock);
    store.seed('demo', { seed: 42, count: 10 });
    const seededLast = store.lastModified('demo')!.getTime();
    expect(seededLast).toBeGreaterThan(clock.now().getTime());
    const item = store.createItem('demo', { name: 'new' });
    expect(Date.parse(item.createdAt)).toBe(seededLast + 1);
    expect(store.findNewestFirst('demo')?.[0]).toEqual(item);
    const edited = store.updateItem('demo', 2, { price: 1 });
    expect(Date.parse(edited.updatedAt)).toBe(seededLast + 2);
    const updated = store.window('demo', { kind: 'updatedSince', sinceMs: seededLast }, 0, 10)!;
    expect(updated.items.map((i) => i.id)).toEqual([11, 2]);
  });

  it('continues a keyset run after a position, unaffected by newer inserts and deletes', () => {
    const { store } = setup();
    const first = store.run('demo', { kind: 'newest' }, undefined, 4)!;
    expect(first.items.map((item) => item.id)).toEqual([10, 9, 8, 7]);
    expect(first.remaining).toBe(6);
    store.createItem('demo', { name: 'newer' });
    store.deleteItem('demo', 7);
    const position = positionOf(first.items.at(-1)!, { kind: 'newest' });
    const second = store.run('demo', { kind: 'newest' }, position, 4)!;
    expect(second.items.map((item) => item.id)).toEqual([6, 5, 4, 3]);
    expect(second.remaining).toBe(2);

    const updated = { kind: 'updatedSince', sinceMs: Number.NEGATIVE_INFINITY } as const;
    const run = store.run('demo', updated, undefined, 100)!;
    const tail = store.run('demo', updated, positionOf(run.items[5]!, updated), 100)!;
    expect(tail.items).toEqual(run.items.slice(6));
    expect(tail.remaining).toBe(0);
  });

  it('agrees with a naive sort through random creates, edits and deletes on a multi-block dataset', () => {
    const clock = manualClock('2024-03-01T00:00:00.000Z');
    const store = new ItemStore(clock);
    store.seed('big', { seed: 3, count: 3000 });
    const random = mulberry32(11);
    for (let step = 0; step < 1500; step += 1) {
      clock.advance(randomInt(random, -600_000, 900_000));
      const live = store.window('big', { kind: 'newest' }, randomInt(random, 0, 2900), 1)!.items[0];
      const roll = random();
      if (roll < 0.3 || !live) store.createItem('big', { name: `new ${step}` });
      else if (roll < 0.8) store.updateItem('big', live.id, { price: step });
      else store.deleteItem('big', live.id);
    }
    const all = [...store.findNewestFirst('big')!];
    expect(all).toEqual([...all].sort(newestFirst));
    expect(new Set(all.map((item) => item.id)).size).toBe(all.length);
    const summary = store.summary('big')!;
    expect(summary.itemCount).toBe(all.length);

    const sinceMs = ms('2024-03-05T00:00:00.000Z');
    const expected = all.filter((item) => ms(item.updatedAt) > sinceMs).sort(oldestUpdateFirst);
    const pages = Array.from({ length: Math.ceil(expected.length / 97) }, (_, p) =>
      store.window('big', { kind: 'updatedSince', sinceMs }, p * 97, 97)!,
    );
    expect(pages.flatMap((page) => page.items)).toEqual(expected);
    expect(pages[0]?.total).toBe(expected.length);
    expect(store.window('big', { kind: 'newest' }, 1234, 50)!.items).toEqual(all.slice(1234, 1284));
  });
});
