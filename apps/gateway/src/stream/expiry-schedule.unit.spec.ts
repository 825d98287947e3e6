import { afterEach, describe, expect, it } from 'vitest';
import { startExpirySchedule, type ExpirySchedule } from './expiry-schedule';

describe('expiry schedule', () => {
  let schedule: ExpirySchedule | undefined;
  afterEach(() => schedule?.stop());

  function at(start: number) {
    const clock = { now: start };
    const expired: string[] = [];
    schedule = startExpirySchedule({ tickMs: 1_000, now: () => clock.now });
    const target = (name: string) => ({ expire: () => void expired.push(name) });
    return { clock, expired, target, schedule };
  }

  it('expires each target at the first tick at or after its expiry, never before, once', () => {
    const { clock, expired, target, schedule } = at(10_000);
    schedule.add(target('a'), 11_000);
    schedule.add(target('b'), 11_001);
    schedule.add(target('c'), 15_500);
    clock.now = 10_999;
    schedule.tick();
    expect(expired).toEqual([]);
    clock.now = 11_000;
    schedule.tick();
    expect(expired).toEqual(['a']);
    clock.now = 11_999;
    schedule.tick();
    expect(expired).toEqual(['a']);
    clock.now = 12_000;
    schedule.tick();
    expect(expired).toEqual(['a', 'b']);
    // A late tick (a busy event loop) catches up on every tick it missed.
    clock.now = 20_000;
    schedule.tick();
    schedule.tick();
    expect(expired).toEqual(['a', 'b', 'c']);
  });

  it('fires an expiry already past at the next tick, and forgets removed targets', () => {
    const { clock, expired, target, schedule } = at(50_000);
    const gone = target('gone');
    const past = target('past');
    schedule.add(gone, 52_000);
    schedule.add(past, 40_000);
    const pastDue = target('removed-while-due');
    schedule.add(pastDue, 30_000);
    schedule.remove(gone, 52_000);
    schedule.remove(pastDue, 30_000);
    clock.now = 51_000;
    schedule.tick();
    expect(expired).toEqual(['past']);
    clock.now = 60_000;
    schedule.tick();
    expect(expired).toEqual(['past']);
  });

  it('survives a throwing target and a clock that jumped far ahead', () => {
    const errors: unknown[] = [];
    const clock = { now: 0 };
    const expired: string[] = [];
    schedule = startExpirySchedule({ tickMs: 1_000, now: () => clock.now, onError: (e) => errors.push(e) });
    schedule.add({ expire: () => { throw new Error('boom'); } }, 1_000);
    schedule.add({ expire: () => void expired.push('later') }, 5_000_000);
    schedule.add({ expire: () => void expired.push('much later') }, 90_000_000);
    // A process suspended for a day: the due buckets are visited, not 86,400 empty ticks.
    clock.now = 86_400_000;
    schedule.tick();
    expect(errors).toHaveLength(1);
    expect(expired).toEqual(['later']);
  });
});
