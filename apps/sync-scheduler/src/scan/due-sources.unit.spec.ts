import { describe, expect, it } from 'vitest';
import { dueSources } from './due-sources';

const now = Date.parse('2026-11-25T12:00:00Z');
const source = (name: string, lastSyncedAt: string | null, minAgeMs = 15 * 60_000) => ({ tenant: 't', source: name, lastSyncedAt, minAgeMs });

describe('dueSources', () => {
  it('picks never-synced sources and those at least minAge old, with their age', () => {
    const due = dueSources(
      [source('never', null), source('old', '2026-11-25T11:30:00Z'), source('fresh', '2026-11-25T11:50:00Z'), source('exact', '2026-11-25T11:45:00Z')],
      now,
    );
    expect(due.map((d) => [d.source, d.ageMs])).toEqual([
      ['never', null],
      ['old', 30 * 60_000],
      ['exact', 15 * 60_000],
    ]);
  });

  it('honours a per-source minAge', () => {
    expect(dueSources([source('hourly', '2026-11-25T11:30:00Z', 3_600_000)], now)).toEqual([]);
  });
});
