import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { contentHash } from '../content-hash';
import { normalizeSqlRow, normalizeSqlValue } from './normalize-row';

describe('normalizeSqlRow', () => {
  it('turns driver values into stable JSON values', () => {
    expect(
      normalizeSqlRow({
        at: new Date('2024-03-01T10:20:30.123Z'),
        bin: Buffer.from('fw-1'),
        bytes: new Uint8Array([1, 2]),
        big: 9007199254740993n,
        dec: '12.50',
        nan: Number.NaN,
        inf: Number.POSITIVE_INFINITY,
        none: null,
        missing: undefined,
        list: [new Date('2024-01-01T00:00:00Z'), null],
        json: { nested: { when: new Date(0) } },
      }),
    ).toEqual({
      at: '2024-03-01T10:20:30.123Z',
      bin: 'ZnctMQ==',
      bytes: 'AQI=',
      big: '9007199254740993',
      dec: '12.50',
      nan: 'NaN',
      inf: 'Infinity',
      none: null,
      missing: null,
      list: ['2024-01-01T00:00:00.000Z', null],
      json: { nested: { when: '1970-01-01T00:00:00.000Z' } },
    });
  });

  it('maps an invalid date to null rather than throwing', () => {
    expect(normalizeSqlValue(new Date(Number.NaN))).toBeNull();
  });

  it('hashes the same content the same whatever driver shape it came in', () => {
    const fromPg = normalizeSqlRow({ id: 1, at: new Date('2024-03-01T10:20:30.123Z'), bin: Buffer.from([7]), n: '1.50' });
    const fromMysql = normalizeSqlRow({ n: '1.50', bin: new Uint8Array([7]), at: new Date(Date.UTC(2024, 2, 1, 10, 20, 30, 123)), id: 1 });
    expect(contentHash(fromPg)).toBe(contentHash(fromMysql));
  });
});
