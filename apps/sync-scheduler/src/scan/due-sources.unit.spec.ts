import { describe, expect, it } from 'vitest';
import { deadJobBackoffMs, dueBecauseWatched, dueSources, planScan, sourceKey, type DeathStreak } from './due-sources';

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

describe('dead-job backoff', () => {
  const MIN = 60_000;
  const backoff = { baseMs: 15 * MIN, maxMs: 24 * 60 * MIN };
  const streaks = (entries: Record<string, DeathStreak>) => new Map(Object.entries(entries).map(([name, streak]) => [sourceKey('t', name), streak]));
  const plan = (sources: ReturnType<typeof source>[], entries: Record<string, DeathStreak>, watched?: ReadonlySet<string>) =>
    planScan(sources, now, { watched, deadJobs: { streaks: streaks(entries), backoff } });

  it('waits max(minAge, base) after the first death, doubling per death, capped', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => deadJobBackoffMs(n, 15 * MIN, backoff) / MIN)).toEqual([15, 30, 60, 120, 240, 480, 960, 1440, 1440]);
    expect(deadJobBackoffMs(1, 5 * MIN, backoff)).toBe(15 * MIN); // base above minAge
    expect(deadJobBackoffMs(1, 60 * MIN, backoff)).toBe(60 * MIN); // minAge above base
    expect(deadJobBackoffMs(2, 2 * 24 * 60 * MIN, backoff)).toBe(2 * 24 * 60 * MIN); // a minAge above the cap is never shortened
    expect(deadJobBackoffMs(10_000, 15 * MIN, backoff)).toBe(24 * 60 * MIN); // a long pile-up stays finite
    expect(deadJobBackoffMs(0, 15 * MIN, backoff)).toBe(0);
  });

  it('holds back a never-synced source whose job died until the backoff after that death has passed', () => {
    const died = (ms: number, deaths = 1) => ({ never: { deaths, lastDeathAt: ago(ms) } });
    const early = plan([source('never', null)], died(10 * MIN));
    expect(early.due).toEqual([]);
    expect(early.backedOff).toEqual([expect.objectContaining({ source: 'never', deaths: 1, backoffMs: 15 * MIN, retryAt: new Date(now + 5 * MIN).toISOString() })]);
    // Exactly at the backoff it is due again, marked with its deaths.
    expect(plan([source('never', null)], died(15 * MIN)).due.map((d) => [d.source, d.deadJobs])).toEqual([['never', 1]]);
    // Three deaths in a row: an hour.
    expect(plan([source('never', null)], died(59 * MIN, 3)).backedOff).toHaveLength(1);
    expect(plan([source('never', null)], died(60 * MIN, 3)).due).toHaveLength(1);
  });

  it('applies to sources synced before their jobs started dying, and to watched ones, by minAge', () => {
    const sources = [source('old', ago(3 * 60 * MIN)), source('watched', ago(3 * 60 * MIN), 15 * MIN, { watchedMinAgeMs: MIN })];
    const result = plan(sources, { old: { deaths: 2, lastDeathAt: ago(20 * MIN) }, watched: { deaths: 1, lastDeathAt: ago(2 * MIN) } }, watching('watched'));
    expect(result.due).toEqual([]);
    expect(result.backedOff.map((b) => [b.source, b.backoffMs / MIN])).toEqual([
      ['old', 30],
      ['watched', 15], // its minAge, not its watchedMinAge
    ]);
  });

  it('counts only sources that would be due otherwise, and matches by tenant and source', () => {
    const fresh = plan([source('fresh', ago(MIN))], { fresh: { deaths: 1, lastDeathAt: ago(MIN) } });
    expect(fresh).toEqual({ due: [], backedOff: [] });
    const otherTenant = planScan([{ ...source('s', null), tenant: 'u' }], now, { deadJobs: { streaks: streaks({ s: { deaths: 1, lastDeathAt: ago(MIN) } }), backoff } });
    expect(otherTenant.due.map((d) => [d.tenant, d.deadJobs])).toEqual([['u', 0]]);
  });

  it('backs nothing off without the ledger (dueSources, or no streaks)', () => {
    expect(dueSources([source('never', null)], now).map((d) => d.deadJobs)).toEqual([0]);
    expect(planScan([source('never', null)], now)).toMatchObject({ due: [{ source: 'never' }], backedOff: [] });
  });
});
