// Capped exponential backoff for failing publishes.
import { describe, expect, it } from 'vitest';
import { retryDelay } from './retry-delay';

describe('retryDelay', () => {
  it('doubles from the base and caps at the maximum', () => {
    expect([0, 1, 2, 3, 4].map((n) => retryDelay(n, 200, 1_000))).toEqual([0, 200, 400, 800, 1_000]);
    expect(retryDelay(10_000, 200, 30_000)).toBe(30_000);
  });
});
