// Filling ids/times and validating events before any write.
import type { NewEvent } from '@freshet/contracts';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from './errors';
import { prepareEvents } from './prepare-events';
import { contentCreated } from './testing/event-fixtures';

describe('prepareEvents', () => {
  const now = () => new Date('2025-01-02T03:04:05.678Z');

  it('fills a missing id and time, keeps given ones, and puts times in UTC', () => {
    const given = { ...contentCreated('2'), id: '0b7d3c55-4d1f-4a7e-9d6c-2f1f8e4b9a10', time: '2024-01-01T02:00:00+02:00' };
    const [filled, kept] = prepareEvents('s', [contentCreated('1'), given], now);
    expect(filled?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(filled?.time).toBe('2025-01-02T03:04:05.678Z');
    expect(kept).toMatchObject({ id: given.id, time: '2024-01-01T00:00:00.000Z' });
  });

  it('names the first invalid event and keeps the zod error as cause', () => {
    const bad = { ...contentCreated('2'), data: { key: '' } } as NewEvent;
    try {
      prepareEvents('s', [contentCreated('1'), bad], now);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventError);
      expect(error).toMatchObject({ code: 'INVALID_EVENT', index: 1 });
      expect((error as InvalidEventError).cause).toBeInstanceOf(Error);
    }
  });
});
