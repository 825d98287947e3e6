import { describe, expect, it } from 'vitest';
import { formatStreamPosition, parseStreamPosition, streamPositionTextSchema } from './stream-position';

describe('stream position', () => {
  it('round-trips epoch and sequence', () => {
    const text = formatStreamPosition({ epoch: 'kY5Dm4p3_hX6', seq: 1234 });
    expect(text).toBe('kY5Dm4p3_hX6:1234');
    expect(parseStreamPosition(text)).toEqual({ epoch: 'kY5Dm4p3_hX6', seq: 1234 });
    expect(streamPositionTextSchema.safeParse(text).success).toBe(true);
  });

  it('says "not a position" for anything else, never throws', () => {
    for (const text of ['', '42', 'abc', ':5', 'e:', 'e:-1', 'e:1.5', 'e:1:2', 'e f:1', 'e:1234567890123456', `${'x'.repeat(65)}:1`]) {
      expect(parseStreamPosition(text), text).toBeUndefined();
      expect(streamPositionTextSchema.safeParse(text).success, text).toBe(false);
    }
  });
});
