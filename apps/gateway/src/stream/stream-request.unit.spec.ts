import { describe, expect, it } from 'vitest';
import { HttpProblem } from '@freshet/telemetry';
import { parseCoalesce, queryValues, refuseTokenInUrl } from './stream-request';

const problem = (work: () => unknown): HttpProblem => {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpProblem);
    return error as HttpProblem;
  }
  throw new Error('expected a refusal');
};

describe('stream request', () => {
  it('refuses credentials in the URL, even empty', () => {
    expect(problem(() => refuseTokenInUrl({ token: 'abc' }))).toMatchObject({ statusCode: 400, code: 'CREDENTIAL_IN_URL' });
    expect(problem(() => refuseTokenInUrl({ channel: 'tenant', access_token: '' })).code).toBe('CREDENTIAL_IN_URL');
    expect(() => refuseTokenInUrl({ channel: 'tenant', lastEventId: 'e:1' })).not.toThrow();
  });

  it('reads absent, single and repeated parameters', () => {
    expect(queryValues({}, 'channel')).toEqual([]);
    expect(queryValues({ channel: 'tenant' }, 'channel')).toEqual(['tenant']);
    expect(queryValues({ channel: ['tenant', 'admin'] }, 'channel')).toEqual(['tenant', 'admin']);
  });

  it('takes a coalescing window within the limit, 0 when absent', () => {
    expect(parseCoalesce({}, 5_000)).toBe(0);
    expect(parseCoalesce({ coalesce: '0' }, 5_000)).toBe(0);
    expect(parseCoalesce({ coalesce: '5000' }, 5_000)).toBe(5_000);
    for (const bad of ['5001', '-1', '1.5', 'soon', '', '99999999']) {
      expect(problem(() => parseCoalesce({ coalesce: bad }, 5_000)).code, bad).toBe('BAD_COALESCE');
    }
    expect(problem(() => parseCoalesce({ coalesce: ['1', '2'] }, 5_000)).code).toBe('BAD_COALESCE');
  });
});
