import { describe, expect, it } from 'vitest';
import { historyHttpQuerySchema, refreshBodySchema, snapshotResponseFastSchema, snapshotResponseSchema } from './rest-api';
import { cacheFreshnessRequestSchema, FRESHNESS_MAX_SOURCES } from './cache-admin-rpc';

describe('gateway REST contracts', () => {
  it('reads history types repeated or comma-separated, and refuses a reversed range', () => {
    expect(historyHttpQuerySchema.parse({ types: ['content.,job.dead', ' source.'], limit: '5' })).toEqual({ types: ['content.', 'job.dead', 'source.'], limit: 5 });
    expect(historyHttpQuerySchema.parse({})).toEqual({ limit: 100 });
    expect(historyHttpQuerySchema.safeParse({ types: ',' }).success).toBe(false);
    expect(historyHttpQuerySchema.safeParse({ types: 'Content' }).success).toBe(false);
    expect(historyHttpQuerySchema.safeParse({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }).success).toBe(false);
    expect(historyHttpQuerySchema.safeParse({ unknown: '1' }).success).toBe(false);
  });

  it('takes an absent refresh body as the defaults', () => {
    expect(refreshBodySchema.parse(null)).toEqual({ priority: 10, mode: 'incremental' });
    expect(refreshBodySchema.parse(undefined)).toEqual({ priority: 10, mode: 'incremental' });
    expect(refreshBodySchema.parse({ priority: 3 })).toEqual({ priority: 3, mode: 'incremental' });
    expect(refreshBodySchema.safeParse({ tenant: 'other' }).success).toBe(false);
  });

  it('requires a snapshot position shaped <epoch>:<seq>', () => {
    const page = { records: [], meta: { seq: 3, epoch: 'e1', lastSyncedAt: null, ageMs: null, staleAfterMs: 1000, state: 'stale', servedFrom: 'cache', count: 0 } };
    expect(snapshotResponseSchema.safeParse({ ...page, position: 'e1:3' }).success).toBe(true);
    expect(snapshotResponseSchema.safeParse({ ...page, position: '3' }).success).toBe(false);
  });

  it('bounds a freshness request', () => {
    const sources = Array.from({ length: FRESHNESS_MAX_SOURCES + 1 }, (_, i) => ({ source: `s${i}` }));
    expect(cacheFreshnessRequestSchema.safeParse({ tenant: 'acme', sources }).success).toBe(false);
    expect(cacheFreshnessRequestSchema.safeParse({ tenant: 'acme', sources: [{ source: '_tenant' }] }).success).toBe(false);
  });
});

describe('snapshotResponseFastSchema', () => {
  const page = (records: unknown) => ({
    records,
    meta: { tenant: 'acme', source: 'stock', count: 1, epoch: 'e1', seq: 7, state: 'fresh', servedFrom: 'cache', lastSyncedAt: null, ageMs: null, staleAfterMs: 60_000 },
    position: 'e1:7',
  });
  const samples: Array<[string, unknown]> = [
    ['a record', [{ key: 'a', record: { id: 'a', n: 1 } }]],
    ['no records', []],
    ['an empty key', [{ key: '', record: {} }]],
    ['a key over 512 characters', [{ key: 'k'.repeat(513), record: {} }]],
    ['a key of 512 characters', [{ key: 'k'.repeat(512), record: {} }]],
    ['a numeric key', [{ key: 1, record: {} }]],
    ['an array record', [{ key: 'a', record: [1] }]],
    ['a null record', [{ key: 'a', record: null }]],
    ['no record', [{ key: 'a' }]],
    ['a string entry', ['a']],
    ['records not a list', { key: 'a', record: {} }],
  ];

  it.each(samples)('answers as snapshotResponseSchema does: %s', (_name, records) => {
    const full = snapshotResponseSchema.safeParse(page(records));
    const fast = snapshotResponseFastSchema.safeParse(page(records));
    expect(fast.success).toBe(full.success);
    if (full.success && fast.success) expect(fast.data).toEqual(full.data);
  });

  it('still checks the envelope', () => {
    expect(snapshotResponseFastSchema.safeParse({ ...page([]), position: 'nope' }).success).toBe(false);
  });
});
