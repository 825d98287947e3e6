// Quick re-checks after a NOTIFY whose event is not yet safe to read.
import { describe, expect, it } from 'vitest';
import { nextSettleDelay } from './settle-delay';

describe('nextSettleDelay', () => {
  it('re-checks soon, doubling, and hands over to the poll interval', () => {
    const delays: number[] = [];
    for (let d = nextSettleDelay(0, 1_000); d !== 0; d = nextSettleDelay(d, 1_000)) delays.push(d);
    expect(delays).toEqual([25, 50, 100, 200, 400, 800]);
    expect(nextSettleDelay(0, 20)).toBe(0);
  });
});
