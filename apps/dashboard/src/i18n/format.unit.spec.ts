import { describe, expect, it } from 'vitest';
import { formatAge, formatCell, formatPercent } from './format';

describe('formatCell', () => {
  it('writes numbers in the reader\'s language', () => {
    expect(formatCell(1234567, 'en')).toBe('1,234,567');
    expect(formatCell(1234567, 'tr')).toBe('1.234.567');
    expect(formatCell(0.5, 'tr')).toBe('0,5');
  });

  it('leaves identifiers as they are', () => {
    expect(formatCell(1000, 'tr', 'id')).toBe('1000');
    expect(formatCell(1000, 'en', 'orderId')).toBe('1000');
    expect(formatCell(1000, 'en', 'quantity')).toBe('1,000');
  });

  it('writes instants as local time, and leaves other strings alone up to a length', () => {
    expect(formatCell('2024-01-01T10:00:00.000Z', 'en')).toMatch(/^\d\d\/\d\d\/2024, \d\d:\d\d:\d\d$/);
    expect(formatCell('Lamp', 'tr')).toBe('Lamp');
    expect(formatCell('x'.repeat(500), 'en')).toHaveLength(120);
  });

  it('shows missing values, booleans and objects compactly', () => {
    expect(formatCell(null, 'en')).toBe('—');
    expect(formatCell(undefined, 'tr')).toBe('—');
    expect(formatCell(true, 'en')).toBe('✓');
    expect(formatCell({ a: [1, 2] }, 'en')).toBe('{"a":[1,2]}');
  });
});

describe('formatAge', () => {
  it('says "now" under five seconds and counts the largest whole unit after', () => {
    expect(formatAge(1_000, 'en')).toBe('now');
    expect(formatAge(1_000, 'tr')).toBe('şimdi');
    expect(formatAge(42_000, 'en')).toBe('42 sec ago');
    expect(formatAge(3 * 60_000 + 59_000, 'en')).toBe('3 min ago');
    expect(formatAge(2 * 3_600_000, 'tr')).toBe('2 sa. önce');
    expect(formatAge(-5, 'en')).toBe('now');
  });
});

describe('formatPercent', () => {
  it('writes a ratio as a percent with at most one decimal', () => {
    expect(formatPercent(0.8731, 'en')).toBe('87.3%');
    expect(formatPercent(0.8731, 'tr')).toBe('%87,3');
    expect(formatPercent(1, 'en')).toBe('100%');
  });
});
