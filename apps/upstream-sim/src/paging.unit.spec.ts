import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './errors';
import { parsePage, totalPages } from './paging';

describe('parsePage', () => {
  it('defaults to page 1 and reads positive integers', () => {
    expect(parsePage(undefined)).toBe(1);
    expect(parsePage('1')).toBe(1);
    expect(parsePage('37')).toBe(37);
  });

  it.each([['0'], ['-1'], ['abc'], [''], ['1.5'], ['01'], [' 2'], ['1e3'], ['99999999999999999999']])(
    'refuses %j with a message naming the parameter',
    (raw) => {
      expect(() => parsePage(raw)).toThrow(InvalidRequestError);
      expect(() => parsePage(raw)).toThrow(/query parameter "page" must be a positive integer/);
    },
  );

  it('refuses a repeated parameter', () => {
    expect(() => parsePage(['1', '2'])).toThrow(/more than one value/);
  });
});

describe('totalPages', () => {
  it('reports at least one page, even for no items', () => {
    expect(totalPages(0, 50)).toBe(1);
    expect(totalPages(50, 50)).toBe(1);
    expect(totalPages(51, 50)).toBe(2);
    expect(totalPages(120, 50)).toBe(3);
  });
});
