import { describe, expect, it } from 'vitest';
import { RPC } from '../constants';
import { snapshotQuerySchema, snapshotReplySchema, snapshotRequestSchema } from './snapshot';

describe('snapshot contracts', () => {
  it('reads an HTTP query string, with defaults', () => {
    expect(snapshotQuerySchema.parse({})).toEqual({ limit: 100, updatedField: 'updatedAt' });
    expect(snapshotQuerySchema.parse({ limit: '5', prefix: 'a', updatedSince: '2024-05-01T00:00:00Z' })).toMatchObject({ limit: 5, prefix: 'a' });
  });

  it('refuses bad paging and filters', () => {
    for (const query of [{ limit: '0' }, { limit: '1001' }, { limit: 'ten' }, { limit: '1.5' }, { updatedSince: 'yesterday' }, { updatedField: 'a.b' }, { cursor: '' }, { other: '1' }]) {
      expect(snapshotQuerySchema.safeParse(query).success, JSON.stringify(query)).toBe(false);
    }
  });

  it('names the source in an RPC request', () => {
    expect(snapshotRequestSchema.parse({ tenant: 'acme', source: 'orders', limit: 10 })).toMatchObject({ tenant: 'acme', source: 'orders', limit: 10 });
    expect(snapshotRequestSchema.safeParse({ tenant: 'a.*', source: 'orders' }).success).toBe(false);
  });

  it('replies with a page or an error', () => {
    const meta = { seq: 3, epoch: 'e1', lastSyncedAt: null, ageMs: null, staleAfterMs: 1000, state: 'stale', servedFrom: 'cache', count: 1 };
    expect(snapshotReplySchema.parse({ ok: true, records: [{ key: 'k', record: { a: 1 } }], meta }).ok).toBe(true);
    expect(snapshotReplySchema.parse({ ok: false, error: { code: 'SOURCE_NOT_FOUND', message: 'x' } }).ok).toBe(false);
    expect(snapshotReplySchema.safeParse({ ok: true, records: [], meta: { ...meta, state: 'old' } }).success).toBe(false);
  });

  it('names the cache RPC', () => {
    expect(RPC.cache).toEqual({ service: 'cache', snapshot: 'snapshot', freshness: 'freshness', stats: 'stats' });
  });
});
