import { describe, expect, it } from 'vitest';
import { nakDelayMs } from './nak-backoff';

describe('nakDelayMs', () => {
  it('doubles from 1 s per delivery and caps at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 100].map((n) => nakDelayMs(n))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('treats nonsense counts as a first delivery', () => {
    expect(nakDelayMs(0)).toBe(1_000);
    expect(nakDelayMs(Number.NaN)).toBe(1_000);
  });
});
