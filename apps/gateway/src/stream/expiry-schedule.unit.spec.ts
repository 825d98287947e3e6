import { afterEach, describe, expect, it } from 'vitest';
import { startExpirySchedule, type ExpirySchedule } from './expiry-schedule';

describe('expiry schedule', () => {
  let schedule: ExpirySchedule | undefined;
  afterEach(() => schedule?.stop());

  function at(start: number, onError?: (error: unknown) => void) {
    const clock = { now: start };
    const expired: string[] = [];
    schedule = startExpirySchedule({ tickMs: 1_000, now: () => clock.now, ...(onError ? { onError } : {}) });
    const target = (name: string) => ({ expire: () => void expired.push(name) });
    const advanceTo = (ms: number) => {
      clock.now = ms;
      schedule!.tick();
    };
    return { clock, expired, target, schedule, advanceTo };
  }

  it('expires each target at the first tick at or after its expiry, never before, once', () => {
    const { expired, target, schedule, advanceTo } = at(10_000);
    schedule.add(target('a'), 11_000);
    schedule.add(target('b'), 11_001);
    schedule.add(target('c'), 15_500);
    advanceTo(10_999);
    expect(expired).toEqual([]);
    advanceTo(11_000);
    expect(expired).toEqual(['a']);
    advanceTo(11_999);
    expect(expired).toEqual(['a']);
    advanceTo(12_000);
    expect(expired).toEqual(['a', 'b']);
    // A late tick (a busy event loop) catches up on every tick it missed.
    advanceTo(20_000);
    advanceTo(20_000);
    expect(expired).toEqual(['a', 'b', 'c']);
  });

  it('fires an expiry already past at the next tick, and forgets removed targets by their ticket', () => {
    const { expired, target, schedule, advanceTo } = at(50_000);
    const gone = target('gone');
    const pastDue = target('removed-while-due');
    const goneTicket = schedule.add(gone, 52_000);
    schedule.add(target('past'), 40_000);
    const pastDueTicket = schedule.add(pastDue, 30_000);
    schedule.remove(gone, goneTicket);
    schedule.remove(pastDue, pastDueTicket);
    advanceTo(51_000);
    expect(expired).toEqual(['past']);
    advanceTo(60_000);
    expect(expired).toEqual(['past']);
  });

  it('survives a throwing target and a clock that jumped far ahead', () => {
    const errors: unknown[] = [];
    const { expired, schedule, advanceTo } = at(0, (e) => errors.push(e));
    schedule.add({ expire: () => { throw new Error('boom'); } }, 1_000);
    schedule.add({ expire: () => void expired.push('later') }, 5_000_000);
    schedule.add({ expire: () => void expired.push('much later') }, 90_000_000);
    // A process suspended for a day: what came due fires, in order; nothing later does.
    advanceTo(86_400_000);
    expect(errors).toHaveLength(1);
    expect(expired).toEqual(['later']);
    advanceTo(90_000_000);
    expect(expired).toEqual(['later', 'much later']);
  });

  it('follows the clock back: a target added after the step expires at its own time, not behind ticks already visited', () => {
    const { expired, target, schedule, advanceTo } = at(600_000);
    advanceTo(600_000);
    // An NTP step of ten minutes back.
    advanceTo(0);
    schedule.add(target('five seconds'), 5_000);
    advanceTo(4_999);
    expect(expired).toEqual([]);
    advanceTo(5_000);
    expect(expired).toEqual(['five seconds']);
  });

  it('puts a target added while a tick is visited in a tick still to come, where it fires and can be removed', () => {
    const { expired, target, schedule, advanceTo } = at(0);
    let added: { ticket: number; target: ReturnType<typeof target> } | undefined;
    schedule.add(
      {
        expire: () => {
          expired.push('first');
          const next = target('added while firing');
          added = { ticket: schedule.add(next, 0), target: next };
        },
      },
      1_000,
    );
    advanceTo(1_000);
    expect(expired).toEqual(['first']);
    advanceTo(2_000);
    expect(expired).toEqual(['first', 'added while firing']);
    // And one removed by its ticket before its tick never fires.
    const removed = target('removed');
    schedule.remove(removed, schedule.add(removed, 2_500));
    advanceTo(4_000);
    expect(expired).toEqual(['first', 'added while firing']);
    expect(added?.ticket).toBe(2);
  });
});
