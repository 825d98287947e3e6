import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SubscriptionLifetime } from './subscription-lifetime';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function lifetime() {
  const calls: string[] = [];
  const life = new SubscriptionLifetime(2_000, { activate: () => calls.push('activate'), release: () => calls.push('release') });
  return { life, calls };
}

describe('subscription lifetime', () => {
  it('activates on the first subscriber only, and releases after the grace period once the last one left', () => {
    const { life, calls } = lifetime();
    const a = life.subscribe(() => undefined);
    const b = life.subscribe(() => undefined);
    expect(calls).toEqual(['activate']);
    a();
    b();
    b(); // idempotent
    vi.advanceTimersByTime(1_999);
    expect(life.active).toBe(true);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['activate', 'release']);
    expect(life.active).toBe(false);
    life.subscribe(() => undefined);
    expect(calls).toEqual(['activate', 'release', 'activate']);
  });

  it('keeps the store when a subscriber comes back within the grace period (a remount)', () => {
    const { life, calls } = lifetime();
    life.subscribe(() => undefined)();
    vi.advanceTimersByTime(1_000);
    life.subscribe(() => undefined);
    vi.advanceTimersByTime(5_000);
    expect(calls).toEqual(['activate']);
    expect(life.active).toBe(true);
  });

  it('notifies every listener even when one throws, and dispose ends it without the release hook', () => {
    const { life, calls } = lifetime();
    const seen: string[] = [];
    life.subscribe(() => {
      throw new Error('broken view');
    });
    life.subscribe(() => seen.push('second'));
    const logger = { error: vi.fn() };
    life.notify(logger);
    expect(seen).toEqual(['second']);
    expect(logger.error).toHaveBeenCalledOnce();
    life.dispose();
    vi.advanceTimersByTime(10_000);
    expect(life.active).toBe(false);
    expect(calls).toEqual(['activate']);
  });
});
