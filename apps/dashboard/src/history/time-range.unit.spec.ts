import { describe, expect, it } from 'vitest';
import { parseInstant, parseRangeChoice, resolveRange, toLocalInput } from './time-range';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');

describe('resolveRange', () => {
  it('turns a preset into the window ending now', () => {
    expect(resolveRange({ range: '1h' }, NOW)).toEqual({ ok: true, from: '2024-05-01T11:00:00.000Z', to: '2024-05-01T12:00:00.000Z' });
    expect(resolveRange({ range: '7d' }, NOW)).toEqual({ ok: true, from: '2024-04-24T12:00:00.000Z', to: '2024-05-01T12:00:00.000Z' });
  });

  it('reads a custom range in local time, an empty end meaning now', () => {
    const from = new Date(2024, 4, 1, 10, 30).getTime();
    expect(resolveRange({ range: 'custom', from: '2024-05-01T10:30', to: '' }, NOW + 86_400_000)).toEqual({
      ok: true,
      from: new Date(from).toISOString(),
      to: new Date(NOW + 86_400_000).toISOString(),
    });
  });

  it('takes ISO instants with an offset as they are', () => {
    expect(resolveRange({ range: 'custom', from: '2024-05-01T10:00:00+03:00', to: '2024-05-01T08:00:00Z' }, NOW)).toEqual({
      ok: true,
      from: '2024-05-01T07:00:00.000Z',
      to: '2024-05-01T08:00:00.000Z',
    });
  });

  it('names what is wrong with a custom range', () => {
    expect(resolveRange({ range: 'custom', from: '' }, NOW)).toEqual({ ok: false, problem: 'invalid-from' });
    expect(resolveRange({ range: 'custom', from: 'yesterday' }, NOW)).toEqual({ ok: false, problem: 'invalid-from' });
    expect(resolveRange({ range: 'custom', from: '2024-05-01T10:00', to: '2024-13-01T10:00' }, NOW)).toEqual({ ok: false, problem: 'invalid-to' });
    expect(resolveRange({ range: 'custom', from: '2024-05-01T10:00', to: '2024-05-01T10:00' }, NOW)).toEqual({ ok: false, problem: 'from-after-to' });
    expect(resolveRange({ range: 'custom', from: '2024-05-02T10:00', to: '2024-05-01T10:00' }, NOW)).toEqual({ ok: false, problem: 'from-after-to' });
  });
});

describe('parseInstant', () => {
  it('refuses a day that does not exist instead of rolling over', () => {
    expect(parseInstant('2023-02-29T10:00')).toBeUndefined();
    expect(parseInstant('2024-02-29T10:00')).toBe(new Date(2024, 1, 29, 10, 0).getTime());
    expect(parseInstant('2024-02-29T10:00:05.5')).toBe(new Date(2024, 1, 29, 10, 0, 5, 500).getTime());
  });
});

describe('parseRangeChoice and toLocalInput', () => {
  it('falls back to the last hour for an unknown choice', () => {
    expect(parseRangeChoice('6h')).toBe('6h');
    expect(parseRangeChoice('custom')).toBe('custom');
    expect(parseRangeChoice('3y')).toBe('1h');
    expect(parseRangeChoice(undefined)).toBe('1h');
  });

  it('writes what a datetime-local input shows, and reads back the same minute', () => {
    const ms = new Date(2024, 0, 2, 3, 4, 59).getTime();
    expect(toLocalInput(ms)).toBe('2024-01-02T03:04');
    expect(parseInstant(toLocalInput(ms))).toBe(new Date(2024, 0, 2, 3, 4).getTime());
  });
});
