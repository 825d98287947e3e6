import { describe, expect, it } from 'vitest';
import { etagOf, ifNoneMatchMatches } from './etag';

describe('etagOf', () => {
  it('is a strong, quoted tag that depends only on the body', () => {
    const tag = etagOf('[{"id":1}]');
    expect(tag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(etagOf('[{"id":1}]')).toBe(tag);
    expect(etagOf('[{"id":2}]')).not.toBe(tag);
  });
});

describe('ifNoneMatchMatches', () => {
  const tag = etagOf('[]');

  it('matches the exact tag, a list containing it, a weak form of it, and *', () => {
    expect(ifNoneMatchMatches(tag, tag)).toBe(true);
    expect(ifNoneMatchMatches(`"other", ${tag}`, tag)).toBe(true);
    expect(ifNoneMatchMatches(`W/${tag}`, tag)).toBe(true);
    expect(ifNoneMatchMatches('*', tag)).toBe(true);
  });

  it('does not match a missing header, another tag or an unquoted copy', () => {
    expect(ifNoneMatchMatches(undefined, tag)).toBe(false);
    expect(ifNoneMatchMatches('"other"', tag)).toBe(false);
    expect(ifNoneMatchMatches(tag.slice(1, -1), tag)).toBe(false);
    expect(ifNoneMatchMatches('', tag)).toBe(false);
  });
});
