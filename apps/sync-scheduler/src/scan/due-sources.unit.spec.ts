import { describe, expect, it } from 'vitest';
import { dueBecauseWatched, dueSources, sourceKey } from './due-sources';

const now = Date.parse('2026-11-25T12:00:00Z');
const source = (name: string, lastSyncedAt: string | null, minAgeMs = 15 * 60_000, extra: { watchedMinAgeMs?: number; backgroundPriority?: number } = {}) => ({
  tenant: 't',
  source: name,
  lastSyncedAt,
  minAgeMs,
  ...extra,
});
const ago = (ms: number) => new Date(now - ms).toISOString();
const watching = (...names: string[]) => new Set(names.map((n) => sourceKey('t', n)));

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
    expect(due.every((d) => !d.watched && d.dueAfterMs === 15 * 60_000)).toBe(true);
  });

  it('honours a per-source minAge', () => {
    expect(dueSources([source('hourly', '2026-11-25T11:30:00Z', 3_600_000)], now)).toEqual([]);
  });
});

describe('dueSources with watched sources', () => {
  it('makes a watched source due after its watchedMinAge, an unwatched one only after its minAge', () => {
    const sources = [source('watched', ago(45_000), 900_000, { watchedMinAgeMs: 30_000 }), source('idle', ago(45_000), 900_000, { watchedMinAgeMs: 30_000 })];
    const due = dueSources(sources, now, watching('watched'));
    expect(due.map((d) => [d.source, d.watched, d.dueAfterMs])).toEqual([['watched', true, 30_000]]);
    expect(dueBecauseWatched(due[0]!)).toBe(true);
    expect(dueSources(sources, now)).toEqual([]); // nobody watching: minAge alone
  });

  it('is not due before its watchedMinAge, and due exactly at it', () => {
    const at = (age: number) => dueSources([source('s', ago(age), 900_000, { watchedMinAgeMs: 30_000 })], now, watching('s')).length;
    expect(at(29_999)).toBe(0);
    expect(at(30_000)).toBe(1);
  });

  it('uses 60 s when the definition sets no watchedMinAge, and never more than minAge', () => {
    const defaulted = (age: number, minAgeMs = 900_000) => dueSources([source('s', ago(age), minAgeMs)], now, watching('s')).map((d) => d.dueAfterMs);
    expect(defaulted(59_000)).toEqual([]);
    expect(defaulted(60_000)).toEqual([60_000]);
    expect(defaulted(20_000, 20_000)).toEqual([20_000]); // minAge shorter than the default
    // A watchedMinAge above minAge (the rule refuses it, but an old definition may carry it) is capped.
    expect(dueSources([source('s', ago(300_000), 300_000, { watchedMinAgeMs: 600_000 })], now, watching('s')).map((d) => d.dueAfterMs)).toEqual([300_000]);
  });

  it('counts a watched source that minAge alone picks as due for minAge, not for watching', () => {
    const [due] = dueSources([source('s', ago(1_000_000), 900_000)], now, watching('s'));
    expect(due?.watched).toBe(true);
    expect(dueBecauseWatched(due!)).toBe(false);
    const [never] = dueSources([source('n', null)], now, watching('n'));
    expect(dueBecauseWatched(never!)).toBe(false);
  });

  it('puts watched sources first, the rest in directory order, so a short budget goes to them', () => {
    const sources = [
      source('a-never', null),
      source('b-old', ago(3_600_000)),
      source('c-watched', ago(120_000)),
      source('d-fresh', ago(60_000)),
      source('e-watched-never', null),
      source('f-old', ago(2_000_000)),
    ];
    const due = dueSources(sources, now, watching('c-watched', 'e-watched-never', 'd-fresh-not-listed'));
    expect(due.map((d) => d.source)).toEqual(['c-watched', 'e-watched-never', 'a-never', 'b-old', 'f-old']);
    // A scan cut short after two (budget, lost lease) has synced the watched ones.
    expect(due.slice(0, 2).every((d) => d.watched)).toBe(true);
  });

  it('matches by tenant and source', () => {
    const other = { tenant: 'u', source: 's', lastSyncedAt: ago(120_000), minAgeMs: 900_000 };
    expect(dueSources([other], now, watching('s'))).toEqual([]);
    expect(dueSources([other], now, new Set([sourceKey('u', 's')]))).toHaveLength(1);
  });
});
