import { describe, expect, it } from 'vitest';
import { createPageMemo, pageMemoKey } from './page-memo';

const page = (size: number) => ({ recordsJson: Buffer.alloc(size, 0x20), lastKey: undefined });

describe('page memo', () => {
  it('keys pages by every part of the view state and page shape', () => {
    const base = { tenant: 't', source: 's', generation: 'g', incarnation: '', seq: 5, asOf: 5, limit: 100 };
    const keys = new Set([
      pageMemoKey(base),
      pageMemoKey({ ...base, seq: 6, asOf: 6 }),
      pageMemoKey({ ...base, asOf: 4 }),
      pageMemoKey({ ...base, incarnation: 'r1' }),
      pageMemoKey({ ...base, generation: 'g2' }),
      pageMemoKey({ ...base, after: 'a' }),
      pageMemoKey({ ...base, prefix: 'a' }),
      pageMemoKey({ ...base, limit: 10 }),
      pageMemoKey({ ...base, source: 's2' }),
    ]);
    expect(keys.size).toBe(9);
  });

  it('holds at most its byte budget, dropping the least recently used first', () => {
    const memo = createPageMemo(3_000);
    memo.set('a', page(900));
    memo.set('b', page(900));
    memo.set('c', page(900));
    expect(memo.get('a')).toBeDefined(); // now the most recent
    memo.set('d', page(900));
    expect(memo.get('b')).toBeUndefined();
    expect(memo.get('a')).toBeDefined();
    expect(memo.get('d')).toBeDefined();
    expect(memo.size()).toBeLessThanOrEqual(3_000);
    memo.set('huge', page(10_000)); // larger than the whole budget: not kept
    expect(memo.get('huge')).toBeUndefined();
  });
});
