import { describe, expect, it } from 'vitest';
import { diffRecords, type FetchedRecord } from './record-diff';

const rec = (key: string, hash: string): FetchedRecord => ({ key, hash, record: { id: key } });

describe('diffRecords', () => {
  it('classifies created, updated, deleted and unchanged', () => {
    const existing = new Map([
      ['1', 'h1'],
      ['2', 'h2'],
      ['3', 'h3'],
    ]);
    const diff = diffRecords(existing, [rec('1', 'h1'), rec('2', 'h2-new'), rec('4', 'h4')]);
    expect(diff.created.map((r) => r.key)).toEqual(['4']);
    expect(diff.updated).toEqual([{ ...rec('2', 'h2-new'), previousHash: 'h2' }]);
    expect(diff.deleted).toEqual([{ key: '3', previousHash: 'h3' }]);
    expect(diff.unchanged).toBe(1);
  });

  it('produces nothing for an unchanged source', () => {
    const existing = new Map([['1', 'h1']]);
    const diff = diffRecords(existing, [rec('1', 'h1')]);
    expect(diff).toEqual({ created: [], updated: [], deleted: [], unchanged: 1 });
  });

  it('counts a key listed twice once, keeping the first listing', () => {
    const diff = diffRecords(new Map(), [rec('1', 'newest'), rec('1', 'older')]);
    expect(diff.created).toEqual([rec('1', 'newest')]);
  });
});
