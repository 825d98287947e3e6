import { describe, expect, it } from 'vitest';
import { freshnessOf } from './freshness';

const now = Date.parse('2024-05-01T12:00:00.000Z');

describe('freshnessOf', () => {
  it('is fresh up to and including staleAfter', () => {
    expect(freshnessOf('2024-05-01T11:00:00.000Z', 3_600_000, now)).toEqual({ ageMs: 3_600_000, state: 'fresh' });
    expect(freshnessOf('2024-05-01T11:59:59.000Z', 3_600_000, now)).toEqual({ ageMs: 1_000, state: 'fresh' });
  });

  it('is stale past staleAfter', () => {
    expect(freshnessOf('2024-05-01T10:59:59.999Z', 3_600_000, now)).toEqual({ ageMs: 3_600_001, state: 'stale' });
  });

  it('is stale with no age when never synced', () => {
    expect(freshnessOf(null, 3_600_000, now)).toEqual({ ageMs: null, state: 'stale' });
  });

  it('never reports a negative age when clocks disagree', () => {
    expect(freshnessOf('2024-05-01T12:00:05.000Z', 1_000, now)).toEqual({ ageMs: 0, state: 'fresh' });
  });

  it('understands offsets', () => {
    expect(freshnessOf('2024-05-01T13:30:00.000+02:00', 3_600_000, now).ageMs).toBe(30 * 60_000);
  });
});
