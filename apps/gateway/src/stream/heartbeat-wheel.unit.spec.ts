import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHeartbeatWheel, type HeartbeatWheel } from './heartbeat-wheel';

describe('heartbeat wheel', () => {
  let wheel: HeartbeatWheel | undefined;
  afterEach(() => {
    wheel?.stop();
    vi.useRealTimers();
  });

  it('visits every target once per period, spread over the period', () => {
    vi.useFakeTimers();
    wheel = startHeartbeatWheel(1_600);
    const visits: number[] = [];
    const targets = Array.from({ length: 64 }, (_, i) => ({ heartbeatDue: () => void visits.push(i) }));
    targets.forEach((t) => wheel!.add(t));
    vi.advanceTimersByTime(100);
    // One slot of 16 per 100 ms tick: 64 targets → 4 per tick, not 64 at once.
    expect(visits).toHaveLength(4);
    vi.advanceTimersByTime(1_500);
    expect(visits).toHaveLength(64);
    expect(new Set(visits).size).toBe(64);
    vi.advanceTimersByTime(1_600);
    expect(visits).toHaveLength(128);
  });

  it('forgets removed targets and survives a throwing one', () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    wheel = startHeartbeatWheel(160, (e) => errors.push(e));
    const seen: string[] = [];
    const kept = { heartbeatDue: () => void seen.push('kept') };
    const removed = { heartbeatDue: () => void seen.push('removed') };
    const broken = {
      heartbeatDue: () => {
        throw new Error('socket gone');
      },
    };
    wheel.add(kept);
    wheel.add(removed);
    wheel.add(broken);
    wheel.add(kept); // twice: still one slot
    wheel.remove(removed);
    vi.advanceTimersByTime(160);
    expect(seen).toEqual(['kept']);
    expect(errors).toHaveLength(1);
  });
});
