import { describe, expect, it } from 'vitest';
import { nextLinkFrom } from './link-header';

const here = 'https://api.example.com/v1/items?page=2&per_page=50';

describe('nextLinkFrom', () => {
  it('picks rel="next" among several links', () => {
    const header =
      '<https://api.example.com/v1/items?page=1>; rel="first", <https://api.example.com/v1/items?page=1>; rel="prev", ' +
      '<https://api.example.com/v1/items?page=3>; rel="next", <https://api.example.com/v1/items?page=9>; rel="last"';
    expect(nextLinkFrom(header, here)).toBe('https://api.example.com/v1/items?page=3');
  });

  it('finds next inside a rel list, case-insensitively, quoted or not, with other params', () => {
    expect(nextLinkFrom('<https://x.test/a?p=3>; rel="prev Next"', here)).toBe('https://x.test/a?p=3');
    expect(nextLinkFrom('<https://x.test/a?p=3>; title="page 3"; rel=next', here)).toBe('https://x.test/a?p=3');
    expect(nextLinkFrom('<https://x.test/a?p=3>;rel = "next"; type="application/json"', here)).toBe('https://x.test/a?p=3');
  });

  it('does not mistake rel values that only contain "next"', () => {
    expect(nextLinkFrom('<https://x.test/a?p=3>; rel="next-archive", <https://x.test/a?p=9>; rel="nextpage"', here)).toBeUndefined();
  });

  it('resolves relative targets against the request URL', () => {
    expect(nextLinkFrom('</v1/items?page=3&per_page=50>; rel="next"', here)).toBe('https://api.example.com/v1/items?page=3&per_page=50');
    expect(nextLinkFrom('<?page=3>; rel="next"', here)).toBe('https://api.example.com/v1/items?page=3');
    expect(nextLinkFrom('<other?page=3>; rel="next"', here)).toBe('https://api.example.com/v1/other?page=3');
  });

  it('keeps commas inside a URL', () => {
    expect(nextLinkFrom('<https://x.test/a?ids=1,2,3&p=2>; rel="next"', here)).toBe('https://x.test/a?ids=1,2,3&p=2');
  });

  it('answers undefined when there is no next link or no header', () => {
    expect(nextLinkFrom('<https://x.test/a?p=1>; rel="first", <https://x.test/a?p=1>; rel="prev"', here)).toBeUndefined();
    expect(nextLinkFrom(null, here)).toBeUndefined();
    expect(nextLinkFrom('', here)).toBeUndefined();
    expect(nextLinkFrom('garbage; rel="next"', here)).toBeUndefined();
  });
});
