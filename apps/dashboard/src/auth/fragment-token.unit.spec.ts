import { describe, expect, it } from 'vitest';
import { extractFragmentToken } from './fragment-token';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZXYifQ.c2lnbmF0dXJl_-';

describe('extractFragmentToken', () => {
  it('takes the token out of a bare fragment and leaves nothing behind', () => {
    expect(extractFragmentToken(`#token=${JWT}`)).toEqual({ token: JWT, rest: '' });
  });

  it('keeps the other parameters and the route', () => {
    expect(extractFragmentToken(`#token=${JWT}&lang=tr`)).toEqual({ token: JWT, rest: '#lang=tr' });
    expect(extractFragmentToken(`#/admin&token=${JWT}`)).toEqual({ token: JWT, rest: '#/admin' });
    expect(extractFragmentToken(`#/history?source=products&token=${JWT}&range=1h`)).toEqual({ token: JWT, rest: '#/history?source=products&range=1h' });
    expect(extractFragmentToken(`#/admin?token=${JWT}`)).toEqual({ token: JWT, rest: '#/admin' });
  });

  it('decodes a percent-encoded token and keeps "=" inside it', () => {
    expect(extractFragmentToken('#token=abc%2Edef%3D%3D')).toEqual({ token: 'abc.def==', rest: '' });
    expect(extractFragmentToken('#token=abc==')).toEqual({ token: 'abc==', rest: '' });
  });

  it('finds no token where there is none, or an empty one, and changes nothing else', () => {
    expect(extractFragmentToken('')).toEqual({ token: undefined, rest: '' });
    expect(extractFragmentToken('#/history?source=a')).toEqual({ token: undefined, rest: '#/history?source=a' });
    expect(extractFragmentToken('#token=')).toEqual({ token: undefined, rest: '' });
    // Only the exact parameter name: `tokens=` and `xtoken=` are not credentials.
    expect(extractFragmentToken('#tokens=a&xtoken=b')).toEqual({ token: undefined, rest: '#tokens=a&xtoken=b' });
  });

  it('keeps a malformed escape as it is rather than failing', () => {
    expect(extractFragmentToken('#token=%E0%A4%A')).toEqual({ token: '%E0%A4%A', rest: '' });
  });
});
