import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, reconnectDelay, resolveBackoff } from './backoff';

describe('reconnect backoff', () => {
  it('doubles from 1 s to a 30 s ceiling without jitter', () => {
    const policy = resolveBackoff({ jitter: 0 });
    const delays = Array.from({ length: 8 }, (_, i) => reconnectDelay(i + 1, policy, 0.99));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('draws each delay from [d·(1-jitter), d]', () => {
    const policy = resolveBackoff({ jitter: 0.5 });
    expect(reconnectDelay(3, policy, 0)).toBe(4_000);
    expect(reconnectDelay(3, policy, 0.5)).toBe(3_000);
    expect(reconnectDelay(3, policy, 0.999_999)).toBe(2_000);
    const many = Array.from({ length: 200 }, () => reconnectDelay(10, policy, Math.random()) as number);
    expect(Math.min(...many)).toBeGreaterThanOrEqual(15_000);
    expect(Math.max(...many)).toBeLessThanOrEqual(30_000);
  });

  it('gives up after maxAttempts (20 by default)', () => {
    expect(DEFAULT_BACKOFF.maxAttempts).toBe(20);
    const policy = resolveBackoff();
    expect(reconnectDelay(20, policy, 0)).toBe(30_000);
    expect(reconnectDelay(21, policy, 0)).toBeUndefined();
    expect(reconnectDelay(0, policy, 0)).toBeUndefined();
    expect(reconnectDelay(3, resolveBackoff({ maxAttempts: 2 }), 0)).toBeUndefined();
  });

  it("never undercuts a server's Retry-After", () => {
    expect(reconnectDelay(1, resolveBackoff(), 0, 12_000)).toBe(12_000);
    expect(reconnectDelay(6, resolveBackoff({ jitter: 0 }), 0, 12_000)).toBe(30_000);
  });

  it('keeps options in range and the arithmetic finite', () => {
    expect(resolveBackoff({ jitter: 3, initialDelayMs: -5, maxDelayMs: 10, maxAttempts: 0 })).toEqual({ initialDelayMs: 0, maxDelayMs: 10, maxAttempts: 1, jitter: 1 });
    expect(resolveBackoff({ initialDelayMs: 500, maxDelayMs: 100 }).maxDelayMs).toBe(500);
    expect(reconnectDelay(1_000, resolveBackoff({ maxAttempts: 5_000, jitter: 0 }), 0)).toBe(30_000);
  });
});
