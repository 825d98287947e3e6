import { describe, expect, it } from 'vitest';
import { otherLanguage, pickLanguage } from './language';

describe('pickLanguage', () => {
  it('follows ?lang= first, whatever is stored or the browser says', () => {
    expect(pickLanguage({ search: '?lang=tr', stored: 'en', browser: ['en-US'] })).toBe('tr');
    expect(pickLanguage({ search: '?x=1&lang=EN', stored: 'tr', browser: ['tr-TR'] })).toBe('en');
  });

  it('ignores an unknown ?lang= and falls back to the stored choice', () => {
    expect(pickLanguage({ search: '?lang=de', stored: 'tr', browser: ['en'] })).toBe('tr');
  });

  it('uses the browser language when nothing is asked or stored: tr* is Turkish, the rest English', () => {
    expect(pickLanguage({ search: '', stored: null, browser: ['tr-TR', 'en'] })).toBe('tr');
    expect(pickLanguage({ search: '', stored: null, browser: ['tr'] })).toBe('tr');
    expect(pickLanguage({ search: '', stored: 'garbage', browser: ['de-DE', 'tr'] })).toBe('en');
    expect(pickLanguage({ search: '', stored: null, browser: [] })).toBe('en');
  });

  it('toggles between the two', () => {
    expect(otherLanguage('tr')).toBe('en');
    expect(otherLanguage('en')).toBe('tr');
  });
});
