import { describe, expect, it } from 'vitest';
import { hitRatio, jobStatusRows, priorityRows, servedFromMix } from './overview-model';

describe('overview model', () => {
  it('lists every job status in order, zero when absent', () => {
    expect(jobStatusRows({ dead: 2, queued: 5 })).toEqual([
      { status: 'queued', count: 5 },
      { status: 'running', count: 0 },
      { status: 'retrying', count: 0 },
      { status: 'completed', count: 0 },
      { status: 'dead', count: 2 },
    ]);
  });

  it('orders priorities from most urgent, numerically', () => {
    expect(priorityRows({ '3': 4, '10': 1, '0': 7, '5': 2 }).map((r) => r.priority)).toEqual(['10', '5', '3', '0']);
  });

  it('splits the served-from counts into shares laid end to end', () => {
    const mix = servedFromMix({ cache: 6, database: 3, upstream: 1 });
    expect(mix.map((s) => [s.where, s.share, s.offset])).toEqual([
      ['cache', 0.6, 0],
      ['database', 0.3, 0.6],
      ['upstream', 0.1, 0.8999999999999999],
    ]);
    expect(servedFromMix({ cache: 0, database: 0, upstream: 0 }).every((s) => s.share === 0)).toBe(true);
  });

  it("takes the cache's hit ratio, or computes it, or has none before the first read", () => {
    const base = { servedFrom: { cache: 0, database: 0, upstream: 0 }, since: null };
    expect(hitRatio({ ...base, hits: 3, misses: 1, hitRatio: 0.75 })).toBe(0.75);
    expect(hitRatio({ ...base, hits: 1, misses: 1, hitRatio: null })).toBe(0.5);
    expect(hitRatio({ ...base, hits: 0, misses: 0, hitRatio: null })).toBeNull();
  });
});
