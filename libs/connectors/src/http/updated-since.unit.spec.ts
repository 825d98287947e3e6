import { describe, expect, it } from 'vitest';
import type { FetchedRecord } from '../record-diff';
import { maxUpdated } from './updated-since';

const recs = (...values: unknown[]): FetchedRecord[] =>
  values.map((updatedAt, i) => ({ key: String(i), hash: `h${i}`, record: updatedAt === undefined ? { id: i } : { id: i, updatedAt } }));

describe('maxUpdated', () => {
  it('picks the latest ISO time', () => {
    expect(maxUpdated(recs('2025-01-01T00:00:01Z', '2025-01-01T00:00:03Z', '2025-01-01T00:00:02Z'), 'updatedAt', undefined)).toBe('2025-01-01T00:00:03Z');
  });

  it('compares ISO times with different offsets as instants, not as text', () => {
    // 10:00+02:00 is 08:00Z: earlier than 09:00Z although it sorts later as text.
    expect(maxUpdated(recs('2025-01-01T10:00:00+02:00', '2025-01-01T09:00:00Z'), 'updatedAt', undefined)).toBe('2025-01-01T09:00:00Z');
    expect(maxUpdated(recs('2025-01-01T09:00:00Z', '2025-01-01T08:30:00-01:00'), 'updatedAt', undefined)).toBe('2025-01-01T08:30:00-01:00');
  });

  it('keeps the current value when nothing in the batch is later', () => {
    expect(maxUpdated(recs('2025-01-01T00:00:01Z'), 'updatedAt', '2025-06-01T00:00:00Z')).toBe('2025-06-01T00:00:00Z');
    expect(maxUpdated([], 'updatedAt', '2025-06-01T00:00:00Z')).toBe('2025-06-01T00:00:00Z');
    expect(maxUpdated([], 'updatedAt', undefined)).toBeUndefined();
  });

  it('moves past the current value when the batch has a later one', () => {
    expect(maxUpdated(recs('2025-07-01T00:00:00Z'), 'updatedAt', '2025-06-01T00:00:00Z')).toBe('2025-07-01T00:00:00Z');
  });

  it('ignores records without the field or with a value that is not a string or number', () => {
    expect(maxUpdated(recs(undefined, null, { at: 1 }, true, '2025-01-01T00:00:00Z'), 'updatedAt', undefined)).toBe('2025-01-01T00:00:00Z');
    expect(maxUpdated(recs(undefined, null), 'updatedAt', undefined)).toBeUndefined();
  });

  it('reads the configured field', () => {
    const records: FetchedRecord[] = [{ key: '1', hash: 'h', record: { id: 1, modified: '2025-03-01T00:00:00Z', updatedAt: '2030-01-01T00:00:00Z' } }];
    expect(maxUpdated(records, 'modified', undefined)).toBe('2025-03-01T00:00:00Z');
  });

  it('compares numeric versions and epoch times as numbers', () => {
    expect(maxUpdated(recs(3, 10, 7), 'updatedAt', undefined)).toBe('10');
    // Bug: Date.parse('5') is a date in V8 but Date.parse('13') is not, so these fall back to text order.
    expect(maxUpdated(recs(5, 13), 'updatedAt', undefined)).toBe('13');
    expect(maxUpdated(recs(999_999_999, 1_700_000_000), 'updatedAt', undefined)).toBe('1700000000');
    expect(maxUpdated(recs(1_700_000_001), 'updatedAt', '999999999')).toBe('1700000001');
  });
});
