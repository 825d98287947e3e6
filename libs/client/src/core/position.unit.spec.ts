import { describe, expect, it } from 'vitest';
import { comparePositions, earliestIn, formatStreamPosition, parseStreamPosition } from './position';

describe('stream positions', () => {
  it('round-trips the contracts format and refuses garbage', () => {
    expect(parseStreamPosition('ab-1:42')).toEqual({ epoch: 'ab-1', seq: 42 });
    expect(formatStreamPosition({ epoch: 'ab-1', seq: 42 })).toBe('ab-1:42');
    for (const bad of ['', '42', 'ab:', ':4', 'a b:1', 'ab:-1', 'ab:1.5', 'ab:9999999999999999']) expect(parseStreamPosition(bad)).toBeUndefined();
  });

  it('orders positions within an epoch only', () => {
    expect(comparePositions({ epoch: 'a', seq: 3 }, { epoch: 'a', seq: 10 })).toBeLessThan(0);
    expect(comparePositions({ epoch: 'a', seq: 10 }, { epoch: 'a', seq: 10 })).toBe(0);
    expect(comparePositions({ epoch: 'a', seq: 11 }, { epoch: 'a', seq: 10 })).toBeGreaterThan(0);
    expect(comparePositions({ epoch: 'a', seq: 1 }, { epoch: 'b', seq: 10 })).toBeUndefined();
  });

  it('finds the earliest position of one epoch', () => {
    const positions = [{ epoch: 'a', seq: 9 }, undefined, { epoch: 'b', seq: 1 }, { epoch: 'a', seq: 4 }];
    expect(earliestIn('a', positions)).toEqual({ epoch: 'a', seq: 4 });
    expect(earliestIn('b', positions)).toEqual({ epoch: 'b', seq: 1 });
    expect(earliestIn('c', positions)).toBeUndefined();
  });
});
