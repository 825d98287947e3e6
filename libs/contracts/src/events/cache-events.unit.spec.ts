import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, freshetEventSchema, type FreshetEvent } from './freshet-event';
import { TENANT_SCOPE_SOURCE } from './cache-events';
import { subjectForEvent } from '../subjects';

const base = { id: '0b7c7f0e-6a8e-4a2f-9c43-0c0f6b0b2a11', tenant: 'acme', source: 'orders', time: '2026-11-25T10:00:00.000Z' };
const metricsData = {
  window: { from: '2026-11-25T10:00:00.000Z', to: '2026-11-25T10:00:01.000Z' },
  hits: 40,
  misses: 10,
  servedFrom: { cache: 50, database: 0, upstream: 0 },
};
const expiredData = { ttlMs: 60_000, idleSince: '2026-11-25T09:59:00.000Z' };

describe('cache and metrics events', () => {
  it('are part of the event union with their own subjects', () => {
    expect(EVENT_TYPES).toEqual(expect.arrayContaining(['cache.written', 'cache.cleared', 'cache.expired', 'metrics.updated']));
    const written: FreshetEvent = freshetEventSchema.parse({ ...base, type: 'cache.written', data: { seq: 12, count: 3 } });
    expect(subjectForEvent('freshet', written)).toBe('freshet.evt.acme.orders.cache.written');
    const cleared = freshetEventSchema.parse({ ...base, source: TENANT_SCOPE_SOURCE, type: 'cache.cleared', data: { scope: 'tenant', reason: 'admin' } });
    expect(subjectForEvent('freshet', cleared)).toBe('freshet.evt.acme._tenant.cache.cleared');
    const expired = freshetEventSchema.parse({ ...base, type: 'cache.expired', data: expiredData });
    expect(expired.type === 'cache.expired' && expired.data).toEqual(expiredData);
    expect(subjectForEvent('freshet', expired)).toBe('freshet.evt.acme.orders.cache.expired');
    const updated = freshetEventSchema.parse({ ...base, source: TENANT_SCOPE_SOURCE, type: 'metrics.updated', data: metricsData });
    expect(updated.type === 'metrics.updated' && updated.data).toEqual(metricsData);
    expect(subjectForEvent('freshet', updated)).toBe('freshet.evt.acme._tenant.metrics.updated');
  });

  it.each([
    ['cache.written with a count of 0', 'cache.written', { seq: 1, count: 0 }],
    ['cache.cleared of a source', 'cache.cleared', { scope: 'source', reason: 'admin clear' }],
    ['metrics.updated', 'metrics.updated', metricsData],
    ['cache.expired', 'cache.expired', expiredData],
    ['cache.expired of the shortest TTL, idle since a time with an offset', 'cache.expired', { ttlMs: 1_000, idleSince: '2026-11-25T11:00:00+01:00' }],
  ])('accepts %s', (_label, type, data) => {
    expect(freshetEventSchema.safeParse({ ...base, type, data }).success).toBe(true);
  });

  it.each([
    ['cache.written without a seq', 'cache.written', { count: 1 }],
    ['cache.written with a negative count', 'cache.written', { seq: 1, count: -1 }],
    ['cache.written with a fractional seq', 'cache.written', { seq: 1.5, count: 1 }],
    ['cache.cleared with an unknown scope', 'cache.cleared', { scope: 'everything', reason: 'x' }],
    ['cache.cleared without a reason', 'cache.cleared', { scope: 'source' }],
    ['cache.expired without a ttlMs', 'cache.expired', { idleSince: expiredData.idleSince }],
    ['cache.expired with a TTL of 0', 'cache.expired', { ...expiredData, ttlMs: 0 }],
    ['cache.expired with a fractional TTL', 'cache.expired', { ...expiredData, ttlMs: 1_000.5 }],
    ['cache.expired without idleSince', 'cache.expired', { ttlMs: 60_000 }],
    ['cache.expired with idleSince as epoch ms', 'cache.expired', { ...expiredData, idleSince: 1_764_064_740_000 }],
    ['metrics.updated without a window', 'metrics.updated', { ...metricsData, window: undefined }],
    ['metrics.updated with a bad window time', 'metrics.updated', { ...metricsData, window: { from: 'now', to: 'later' } }],
    ['metrics.updated without servedFrom database', 'metrics.updated', { ...metricsData, servedFrom: { cache: 1, upstream: 0 } }],
  ])('rejects %s', (_label, type, data) => {
    expect(freshetEventSchema.safeParse({ ...base, type, data }).success).toBe(false);
  });

  it('carry no jobId (the scheduler narrows events by `jobId` in data)', () => {
    const event = freshetEventSchema.parse({ ...base, type: 'cache.written', data: { seq: 1, count: 1 } });
    expect('jobId' in event.data).toBe(false);
    const expired = freshetEventSchema.parse({ ...base, type: 'cache.expired', data: { ...expiredData, jobId: 'x' } });
    expect('jobId' in expired.data).toBe(false);
  });
});
