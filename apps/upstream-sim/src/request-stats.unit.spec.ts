import { describe, expect, it } from 'vitest';
import { outcomeForStatus, RequestStats } from './request-stats';

const routes = (counts: Partial<Record<'items' | 'cursorItems' | 'linkItems' | 'offsetItems', number>> = {}) => ({
  items: 0,
  cursorItems: 0,
  linkItems: 0,
  offsetItems: 0,
  ...counts,
});
const counters = (counts: Record<string, number>, byRoute: Parameters<typeof routes>[0]) => ({
  list: 0,
  notModified: 0,
  notFound: 0,
  rateLimited: 0,
  errorLimited: 0,
  faulted: 0,
  ...counts,
  requestsByRoute: routes(byRoute),
});

describe('outcomeForStatus', () => {
  it('maps statuses to disjoint outcomes, an injected fault first', () => {
    expect([200, 304, 404, 420, 429, 400, 500].map((status) => outcomeForStatus(status))).toEqual([
      'list',
      'notModified',
      'notFound',
      'errorLimited',
      'rateLimited',
      undefined,
      undefined,
    ]);
    expect(outcomeForStatus(200, true)).toBe('faulted');
    expect(outcomeForStatus(503, true)).toBe('faulted');
  });
});

describe('RequestStats', () => {
  it('counts every request in total and by route, and disjoint outcomes per dataset', () => {
    const stats = new RequestStats();
    stats.record('items', 'demo', outcomeForStatus(200));
    stats.record('cursorItems', 'demo', outcomeForStatus(200));
    stats.record('items', 'demo', outcomeForStatus(304));
    stats.record('offsetItems', 'ghost', outcomeForStatus(404));
    stats.record('linkItems', 'demo', outcomeForStatus(400));
    stats.record('items', undefined, outcomeForStatus(400));
    stats.record('items', 'demo', outcomeForStatus(429));
    stats.record('items', 'demo', outcomeForStatus(420));
    stats.record('items', 'demo', 'faulted');
    expect(stats.snapshot()).toEqual({
      total: 9,
      requestsByRoute: routes({ items: 6, cursorItems: 1, linkItems: 1, offsetItems: 1 }),
      byDataset: {
        demo: counters(
          { list: 2, notModified: 1, rateLimited: 1, errorLimited: 1, faulted: 1 },
          { items: 5, cursorItems: 1, linkItems: 1 },
        ),
        ghost: counters({ notFound: 1 }, { offsetItems: 1 }),
      },
    });
  });

  it('hands out copies and resets to zero', () => {
    const stats = new RequestStats();
    stats.record('items', 'demo', 'list');
    const snapshot = stats.snapshot();
    stats.record('items', 'demo', 'list');
    expect(snapshot.byDataset['demo']?.list).toBe(1);
    expect(snapshot.byDataset['demo']?.requestsByRoute.items).toBe(1);
    expect(snapshot.requestsByRoute.items).toBe(1);
    stats.reset();
    expect(stats.snapshot()).toEqual({ total: 0, requestsByRoute: routes(), byDataset: {} });
  });
});
