import { describe, expect, it } from 'vitest';
import { outcomeForStatus, RequestStats } from './request-stats';

describe('RequestStats', () => {
  it('counts every request in total and disjoint outcomes per dataset', () => {
    const stats = new RequestStats();
    stats.record('demo', outcomeForStatus(200));
    stats.record('demo', outcomeForStatus(200));
    stats.record('demo', outcomeForStatus(304));
    stats.record('ghost', outcomeForStatus(404));
    stats.record('demo', outcomeForStatus(400));
    stats.record(undefined, outcomeForStatus(400));
    expect(stats.snapshot()).toEqual({
      total: 6,
      byDataset: {
        demo: { list: 2, notModified: 1, notFound: 0 },
        ghost: { list: 0, notModified: 0, notFound: 1 },
      },
    });
  });

  it('hands out copies and resets to zero', () => {
    const stats = new RequestStats();
    stats.record('demo', 'list');
    const snapshot = stats.snapshot();
    stats.record('demo', 'list');
    expect(snapshot.byDataset['demo']?.list).toBe(1);
    stats.reset();
    expect(stats.snapshot()).toEqual({ total: 0, byDataset: {} });
  });
});
