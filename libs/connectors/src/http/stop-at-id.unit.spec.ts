import { describe, expect, it } from 'vitest';
import type { FetchedRecord } from '../record-diff';
import { takeUntilSeen } from './stop-at-id';

const rec = (key: string): FetchedRecord => ({ key, hash: `h${key}`, record: { id: key } });
const page = ['9', '8', '7', '6'].map(rec);

describe('takeUntilSeen', () => {
  it('keeps the records newer than the last seen id and says it was found', () => {
    const { kept, found } = takeUntilSeen(page, '7');
    expect(kept.map((r) => r.key)).toEqual(['9', '8']);
    expect(found).toBe(true);
  });

  it('keeps nothing when the last seen id heads the page', () => {
    expect(takeUntilSeen(page, '9')).toEqual({ kept: [], found: true });
  });

  it('keeps everything, not found, when the id is not on the page', () => {
    expect(takeUntilSeen(page, '1')).toEqual({ kept: page, found: false });
  });

  it('keeps everything, not found, without a last seen id (first sync)', () => {
    const result = takeUntilSeen(page, undefined);
    expect(result).toEqual({ kept: page, found: false });
    expect(result.kept).not.toBe(page);
  });

  it('stops at the first listing of a duplicated id', () => {
    expect(takeUntilSeen(['3', '2', '3', '1'].map(rec), '3').kept).toEqual([]);
  });
});
