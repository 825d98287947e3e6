import { describe, expect, it } from 'vitest';
import { isUpdatedAfter, updatedAtMs } from './record-filters';

const since = Date.parse('2024-05-01T00:00:00.000Z');

describe('updatedSince filter', () => {
  it('reads ISO strings and epoch milliseconds', () => {
    expect(updatedAtMs({ updatedAt: '2024-05-01T00:00:01Z' }, 'updatedAt')).toBe(since + 1_000);
    expect(updatedAtMs({ modified: since + 5 }, 'modified')).toBe(since + 5);
  });

  it('keeps records updated strictly after the instant', () => {
    expect(isUpdatedAfter({ updatedAt: '2024-05-01T00:00:01Z' }, 'updatedAt', since)).toBe(true);
    expect(isUpdatedAfter({ updatedAt: '2024-05-01T00:00:00Z' }, 'updatedAt', since)).toBe(false);
    expect(isUpdatedAfter({ updatedAt: '2024-04-30T23:00:00Z' }, 'updatedAt', since)).toBe(false);
  });

  it('leaves out records without a readable value in the field', () => {
    expect(isUpdatedAfter({}, 'updatedAt', since)).toBe(false);
    expect(isUpdatedAfter({ updatedAt: 'yesterday' }, 'updatedAt', since)).toBe(false);
    expect(isUpdatedAfter({ updatedAt: { at: 1 } }, 'updatedAt', since)).toBe(false);
    expect(isUpdatedAfter({ updatedAt: Number.NaN }, 'updatedAt', since)).toBe(false);
  });

  it('does not read inherited properties', () => {
    expect(isUpdatedAfter({}, 'constructor', since)).toBe(false);
  });
});
