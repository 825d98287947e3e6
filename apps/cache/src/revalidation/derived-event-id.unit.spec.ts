import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { derivedEventId } from './derived-event-id';

describe('derived event ids', () => {
  const cause = '0b7c7f0e-6a8e-4a2f-9c43-0c0f6b0b2a11';

  it('are valid UUIDs, the same for the same cause and derivation', () => {
    const id = derivedEventId(cause, 'source.status:fresh');
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(derivedEventId(cause, 'source.status:fresh')).toBe(id);
  });

  it('differ by cause and by what was derived', () => {
    const ids = new Set([
      derivedEventId(cause, 'source.status:fresh'),
      derivedEventId(cause, 'source.status:error'),
      derivedEventId('5f0c2a44-3a55-4bd3-8a4e-7f7f3c1f0a01', 'source.status:fresh'),
    ]);
    expect(ids.size).toBe(3);
  });
});
