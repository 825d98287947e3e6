import { describe, expect, it } from 'vitest';
import { addFlashes, changedColumns, FLASH_MS, nextFlashEnd, NO_FLASHES, pruneFlashes } from './flash';

describe('flash timing', () => {
  it('flashes the changed keys for FLASH_MS from when the page saw them', () => {
    const flashes = addFlashes(NO_FLASHES, ['a', 'b'], 1_000);
    expect([...flashes.keys()]).toEqual(['a', 'b']);
    expect(nextFlashEnd(flashes)).toBe(1_000 + FLASH_MS);
    expect(pruneFlashes(flashes, 1_000 + FLASH_MS - 1)).toBe(flashes);
    expect(pruneFlashes(flashes, 1_000 + FLASH_MS).size).toBe(0);
    expect(nextFlashEnd(NO_FLASHES)).toBeUndefined();
  });

  it('restarts the flash of a key changed again, and ends each key on its own', () => {
    let flashes = addFlashes(NO_FLASHES, ['a', 'b'], 0, 1_000);
    flashes = addFlashes(flashes, ['b', 'c'], 600, 1_000);
    expect(flashes.get('b')).toEqual({ since: 600, until: 1_600 });
    expect(nextFlashEnd(flashes)).toBe(1_000);
    const later = pruneFlashes(flashes, 1_000);
    expect([...later.keys()]).toEqual(['b', 'c']);
    expect(pruneFlashes(later, 1_600).size).toBe(0);
  });

  it('keeps the same object when a batch changed nothing', () => {
    const flashes = addFlashes(NO_FLASHES, ['a'], 0);
    expect(addFlashes(flashes, [], 10)).toBe(flashes);
  });
});

describe('changedColumns', () => {
  const columns = ['id', 'name', 'price', 'tags'];

  it('names the columns whose values differ', () => {
    const before = { id: 1, name: 'Lamp', price: 1200, tags: ['a'] };
    expect([...changedColumns(before, { ...before, price: 1300 }, columns)]).toEqual(['price']);
    expect([...changedColumns(before, { ...before, tags: ['a'] }, columns)]).toEqual([]);
    expect([...changedColumns(before, { ...before, tags: ['b'], name: 'Desk' }, columns)]).toEqual(['name', 'tags']);
  });

  it('flashes every cell of a record the row had not shown before', () => {
    expect([...changedColumns(undefined, { id: 2 }, columns)]).toEqual(columns);
  });
});
