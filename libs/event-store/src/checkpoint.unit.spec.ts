// Checkpoint ordering, exact beyond Number precision.
import { describe, expect, it } from 'vitest';
import { compareCheckpoints, START_CHECKPOINT } from './checkpoint';

describe('compareCheckpoints', () => {
  it('orders by transaction id first, then position, beyond Number precision', () => {
    const big = { transactionId: '9007199254740993', position: '1' };
    const bigger = { transactionId: '9007199254740993', position: '2' };
    expect(compareCheckpoints(big, bigger)).toBeLessThan(0);
    expect(compareCheckpoints({ transactionId: '10', position: '1' }, { transactionId: '9', position: '99' })).toBeGreaterThan(0);
    expect(compareCheckpoints(START_CHECKPOINT, big)).toBeLessThan(0);
    expect(compareCheckpoints(big, { ...big })).toBe(0);
  });
});
